//! Cell references and Excel's escapes.

use super::sheet::parse_ref;
use super::xml::unescape_excel;

#[test]
fn references_and_escapes() {
    assert_eq!(parse_ref("A1"), Some((0, Some(0))));
    assert_eq!(parse_ref("XFD1048576"), Some((1_048_575, Some(16_383))));
    assert_eq!(parse_ref("12"), Some((11, None)));
    assert_eq!(parse_ref("A0"), None);
    assert_eq!(parse_ref("A"), None);
    assert_eq!(parse_ref("A1:B2"), None);
    let (r, c) = parse_ref(&format!("{}1", "Z".repeat(40))).unwrap();
    assert_eq!((r, c), (0, Some(u64::MAX - 1)));
    assert_eq!(unescape_excel("a_x000D_b"), "a\rb");
    assert_eq!(unescape_excel("_x005F_x000D_"), "_x000D_");
    assert_eq!(unescape_excel("_xD83D__xDCF7_"), "\u{1F4F7}");
    assert_eq!(unescape_excel("plain_x"), "plain_x");
}
