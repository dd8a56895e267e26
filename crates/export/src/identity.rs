//! The signing identity: a certificate with its private key and the chain
//! above it. Teams without one get a small organisation CA and a signing
//! certificate issued by it. Keys are stored only inside the library folder
//! (`identity/`, owner-only permissions) and never written anywhere else.

use crate::error::{io, ExportError};
use der::{Decode, DecodePem, Encode, EncodePem};
use p256::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use std::path::Path;
use std::time::Duration;
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::SubjectPublicKeyInfoOwned;
use x509_cert::time::{Time, Validity};
use x509_cert::Certificate;

pub enum Key {
    P256(p256::ecdsa::SigningKey),
    Rsa(rsa::RsaPrivateKey),
}

pub struct Identity {
    pub key: Key,
    pub cert: Certificate,
    /// Issuers above `cert`, nearest first (may be empty).
    pub chain: Vec<Certificate>,
}

const DIR: &str = "identity";

fn err(e: impl std::fmt::Display) -> ExportError {
    ExportError::Identity(e.to_string())
}

fn time(t: i64) -> Result<Time, ExportError> {
    let d = der::asn1::GeneralizedTime::from_unix_duration(Duration::from_secs(t.max(0) as u64))
        .map_err(err)?;
    Ok(Time::GeneralTime(d))
}

fn serial() -> Result<SerialNumber, ExportError> {
    let mut b = [0u8; 16];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut b);
    b[0] &= 0x7f;
    b[0] |= 0x01;
    SerialNumber::new(&b).map_err(err)
}

/// A distinguished name built attribute by attribute (UTF8String values),
/// so organisation names with commas or quotes stay whole.
fn dn(cn: &str, o: &str) -> Result<Name, ExportError> {
    use x509_cert::attr::AttributeTypeAndValue;
    use x509_cert::name::RelativeDistinguishedName;
    let mut rdns = Vec::new();
    for (oid, value) in [("2.5.4.10", o), ("2.5.4.3", cn)] {
        let atv = AttributeTypeAndValue {
            oid: der::oid::ObjectIdentifier::new_unwrap(oid),
            value: der::Any::new(der::Tag::Utf8String, value.as_bytes()).map_err(err)?,
        };
        rdns.push(RelativeDistinguishedName::try_from(vec![atv]).map_err(err)?);
    }
    Ok(x509_cert::name::RdnSequence(rdns))
}

impl Identity {
    /// A new organisation CA (10 years) and a signing certificate it issues
    /// (3 years), both P-256, valid from `now`.
    pub fn create(organisation: &str, signer: &str, now: i64) -> Result<Identity, ExportError> {
        let ca_key = p256::ecdsa::SigningKey::random(&mut rand_core::OsRng);
        let ca_name = dn(&format!("{organisation} Statements CA"), organisation)?;
        let ca_spki = SubjectPublicKeyInfoOwned::from_key(*ca_key.verifying_key()).map_err(err)?;
        let validity = |years: i64| -> Result<Validity, ExportError> {
            Ok(Validity {
                not_before: time(now - 3600)?,
                not_after: time(now + years * 365 * 86_400)?,
            })
        };
        let ca = CertificateBuilder::new(
            Profile::Root,
            serial()?,
            validity(10)?,
            ca_name.clone(),
            ca_spki,
            &ca_key,
        )
        .map_err(err)?
        .build::<p256::ecdsa::DerSignature>()
        .map_err(err)?;
        let key = p256::ecdsa::SigningKey::random(&mut rand_core::OsRng);
        let name = dn(signer, organisation)?;
        let spki = SubjectPublicKeyInfoOwned::from_key(*key.verifying_key()).map_err(err)?;
        let profile = Profile::Leaf {
            issuer: ca_name,
            enable_key_agreement: false,
            enable_key_encipherment: false,
        };
        let cert = CertificateBuilder::new(profile, serial()?, validity(3)?, name, spki, &ca_key)
            .map_err(err)?
            .build::<p256::ecdsa::DerSignature>()
            .map_err(err)?;
        Ok(Identity {
            key: Key::P256(key),
            cert,
            chain: vec![ca],
        })
    }

    /// From PEM: one or more certificates (the signer's first) and a PKCS#8
    /// private key (EC P-256 or RSA).
    pub fn from_pem(certs_pem: &str, key_pem: &str) -> Result<Identity, ExportError> {
        let mut certs = Vec::new();
        for block in certs_pem.split_inclusive("-----END CERTIFICATE-----") {
            if let Some(start) = block.find("-----BEGIN CERTIFICATE-----") {
                certs.push(Certificate::from_pem(&block.as_bytes()[start..]).map_err(err)?);
            }
        }
        if certs.is_empty() {
            return Err(ExportError::Identity(
                "no certificate in the PEM file".into(),
            ));
        }
        let key = if let Ok(k) = p256::ecdsa::SigningKey::from_pkcs8_pem(key_pem) {
            Key::P256(k)
        } else {
            Key::Rsa(rsa::RsaPrivateKey::from_pkcs8_pem(key_pem).map_err(|e| {
                ExportError::Identity(format!(
                    "the key is neither a P-256 nor an RSA PKCS#8 key: {e}"
                ))
            })?)
        };
        let cert = certs.remove(0);
        Ok(Identity {
            key,
            cert,
            chain: certs,
        })
    }

    /// From a PKCS#12 (.p12/.pfx) file, as finance departments receive them.
    pub fn from_pkcs12(bytes: &[u8], password: &str) -> Result<Identity, ExportError> {
        let store = p12_keystore::KeyStore::from_pkcs12(bytes, password).map_err(|e| {
            ExportError::Identity(format!(
                "cannot open the PKCS#12 file (wrong password?): {e}"
            ))
        })?;
        let (_, chain) = store
            .private_key_chain()
            .ok_or_else(|| ExportError::Identity("the PKCS#12 file holds no private key".into()))?;
        let key_der = chain.key();
        let key = if let Ok(k) = p256::ecdsa::SigningKey::from_pkcs8_der(key_der) {
            Key::P256(k)
        } else {
            Key::Rsa(rsa::RsaPrivateKey::from_pkcs8_der(key_der).map_err(err)?)
        };
        let mut certs = Vec::new();
        for c in chain.chain() {
            certs.push(Certificate::from_der(c.as_der()).map_err(err)?);
        }
        if certs.is_empty() {
            return Err(ExportError::Identity(
                "the PKCS#12 file holds no certificate".into(),
            ));
        }
        let cert = certs.remove(0);
        Ok(Identity {
            key,
            cert,
            chain: certs,
        })
    }

    /// Writes `identity/` in the library folder: the key owner-readable only.
    pub fn save(&self, library: &Path) -> Result<(), ExportError> {
        let dir = library.join(DIR);
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        let key_pem = match &self.key {
            Key::P256(k) => k.to_pkcs8_pem(LineEnding::LF).map_err(err)?.to_string(),
            Key::Rsa(k) => k.to_pkcs8_pem(LineEnding::LF).map_err(err)?.to_string(),
        };
        let key_path = dir.join("signing-key.pem");
        write_private(&key_path, key_pem.as_bytes())?;
        let mut certs = self.cert.to_pem(LineEnding::LF).map_err(err)?;
        for c in &self.chain {
            certs.push_str(&c.to_pem(LineEnding::LF).map_err(err)?);
        }
        let cert_path = dir.join("signing-cert.pem");
        std::fs::write(&cert_path, certs).map_err(io(&cert_path))
    }

    pub fn load(library: &Path) -> Result<Identity, ExportError> {
        let dir = library.join(DIR);
        let (c, k) = (dir.join("signing-cert.pem"), dir.join("signing-key.pem"));
        if !c.exists() || !k.exists() {
            return Err(ExportError::NoIdentity(library.display().to_string()));
        }
        let certs = std::fs::read_to_string(&c).map_err(io(&c))?;
        let key = std::fs::read_to_string(&k).map_err(io(&k))?;
        Identity::from_pem(&certs, &key)
    }

    pub fn subject(&self) -> String {
        self.cert.tbs_certificate.subject.to_string()
    }

    /// The subject's organisation (O=), shown as our party on statements.
    pub fn organisation(&self) -> Option<String> {
        // Read the attribute itself: the printed name escapes commas.
        const O: der::oid::ObjectIdentifier = der::oid::ObjectIdentifier::new_unwrap("2.5.4.10");
        let atv = self
            .cert
            .tbs_certificate
            .subject
            .0
            .iter()
            .flat_map(|rdn| rdn.0.iter())
            .find(|atv| atv.oid == O)?;
        atv.value
            .decode_as::<der::asn1::Utf8StringRef>()
            .map(|s| s.as_str().to_string())
            .or_else(|_| {
                atv.value
                    .decode_as::<der::asn1::PrintableStringRef>()
                    .map(|s| s.as_str().to_string())
            })
            .ok()
    }

    /// The certificate others trust to recognise this identity's
    /// signatures: the top of its chain (the organisation CA), else the
    /// signing certificate itself. `identity export` writes it; the library
    /// pins its SHA-256.
    pub fn organisation_cert(&self) -> &Certificate {
        self.chain.last().unwrap_or(&self.cert)
    }

    /// Signs `bytes` (detached CMS) and names the signer by the SHA-256 of
    /// its certificate: what a signed audit-chain head needs.
    pub fn sign_detached(&self, bytes: &[u8]) -> Result<(Vec<u8>, String), ExportError> {
        use sha2::Digest;
        let cms = crate::sign::cms_detached(self, &sha2::Sha256::digest(bytes))?;
        Ok((cms, crate::trust::fingerprint(&self.cert)))
    }

    pub fn cert_der(&self) -> Result<Vec<u8>, ExportError> {
        self.cert.to_der().map_err(err)
    }
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .map_err(io(path))?;
    f.write_all(bytes).map_err(io(path))
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    std::fs::write(path, bytes).map_err(io(path))
}
