package offline

import "testing"

// TestAttack14DateWithWeekday: Japanese lists write event dates with the
// weekday (2026/11/6(金), 2026年11月6日（金）, Excel's yyyy/m/d(aaa)); the
// day is clear and must be read, not every row refused.
func TestAttack14DateWithWeekday(t *testing.T) {
	for _, in := range []string{"2026/11/6(金)", "2026年11月6日（金）", "2026/11/06 (金)"} {
		if d, err := ParseDate(in, tokyo); err != nil || d.Day() != 6 {
			t.Errorf("%q: %v %v", in, d, err)
		}
	}
}
