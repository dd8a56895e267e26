//! RK numbers decode as Excel stores them.

use super::sheet::rk_cell;
use crate::sheet::Cell;
use crate::values::NumFmt;

#[test]
fn rk_numbers_decode_like_excel() {
    // 1.0 as a double's high bits; 100 as an integer; 1.23 as 123/100.
    assert_eq!(rk_cell(0x3FF0_0000, None, false), Cell::Number("1".into()));
    assert_eq!(
        rk_cell((100 << 2) | 2, None, false),
        Cell::Number("100".into())
    );
    assert_eq!(
        rk_cell((123 << 2) | 3, None, false),
        Cell::Number("1.23".into())
    );
    assert_eq!(
        rk_cell((((-5i32) << 2) as u32) | 2, None, false),
        Cell::Number("-5".into())
    );
    assert!(matches!(
        rk_cell((46000 << 2) | 2, Some(NumFmt::DateTime), false),
        Cell::DateTime(_)
    ));
}
