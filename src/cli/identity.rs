//! `identity`: the signing identity for final statements.

use clap::Subcommand;
use sla_ledger::usecases::identity::{self, IdentitySet, ImportIdentity};
use sla_ledger::{AppError, Session};

#[derive(Subcommand)]
pub enum IdentityCmd {
    /// Create a signing identity: a small organisation CA and a signing certificate.
    Create {
        #[arg(long)]
        organisation: String,
        /// Who signs (the certificate's common name).
        #[arg(long, default_value = "Statements signing")]
        name: String,
    },
    /// Import your own identity: a PKCS#12 file (.p12/.pfx), or PEM certificates with --key.
    Import {
        file: String,
        /// PEM private key (PKCS#8), for a PEM certificate file.
        #[arg(long)]
        key: Option<String>,
        /// Environment variable holding the PKCS#12 password.
        #[arg(long, default_value = "SLA_LEDGER_P12_PASSWORD")]
        password_env: String,
    },
    /// Show the signing identity.
    Show,
    /// Write the organisation certificate (PEM) that auditors and customers
    /// give to `verify --trust` to recognise this library's signatures.
    Export {
        #[arg(long)]
        out: String,
    },
}

pub fn run(s: &mut Session, cmd: IdentityCmd) -> Result<(), AppError> {
    let set = match cmd {
        IdentityCmd::Create { organisation, name } => identity::create(s, &organisation, &name)?,
        IdentityCmd::Import {
            file,
            key,
            password_env,
        } => identity::import(
            s,
            &ImportIdentity {
                file: &file,
                key: key.as_deref(),
                password: &std::env::var(&password_env).unwrap_or_default(),
            },
        )?,
        IdentityCmd::Export { out } => {
            let c = identity::export_certificate(s, &out)?;
            println!(
                "wrote {out}: {} (SHA-256 {}); give it to `sla-ledger verify --trust {out}`",
                c.subject, c.sha256
            );
            return Ok(());
        }
        IdentityCmd::Show => {
            let i = identity::show(s)?;
            println!("signing identity: {}", i.subject);
            println!("issued by: {}", i.issuer);
            println!("valid until: {}", i.valid_until);
            return Ok(());
        }
    };
    print_set(&set);
    Ok(())
}

fn print_set(set: &IdentitySet) {
    println!(
        "signing identity {} stored in {} (key readable by you only); this library now trusts {} (SHA-256 {})",
        set.subject, set.folder, set.trusted_root, set.trusted_root_sha256
    );
}
