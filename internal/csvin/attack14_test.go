package csvin

import "testing"

// TestAttack14RequiredMarksOfJapaneseTemplates: README promises a
// template's required mark is ignored on a column's name (メールアドレス
// （必須）, email*). Japanese templates just as often write it 【必須】, [必須],
// ※必須, or before the name (【必須】メールアドレス, ※メールアドレス); with
// those the whole list is refused as having no email column.
func TestAttack14RequiredMarksOfJapaneseTemplates(t *testing.T) {
	for _, h := range []string{"メールアドレス【必須】", "【必須】メールアドレス", "メールアドレス[必須]", "メールアドレス　※必須", "※メールアドレス", "*メールアドレス"} {
		if got := Header(h); got != "メールアドレス" {
			t.Errorf("Header(%q) = %q, want メールアドレス", h, got)
		}
	}
}
