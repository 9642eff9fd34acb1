package config

import "testing"

// TestJapaneseTeam: the file says a team is Japanese by its timezone, its
// holidays or the SFA summary's language; an imported list's numbers are
// then read as Japanese ones (identity.RestoreZeros).
func TestJapaneseTeam(t *testing.T) {
	for text, want := range map[string]bool{
		"timezone: Asia/Tokyo\n":                        true,
		"timezone: Japan\n":                             true,
		"calendar: {holidays: [JAPAN, 12-29..01-03]}\n": true,
		"sfa: {language: ja}\n":                         true,
		"":                                              false,
		"timezone: America/New_York\n":                  false,
		"timezone: Asia/Seoul\ncalendar: {holidays: [us]}\n": false,
	} {
		var f File
		if err := ParseFile([]byte(text), &f); err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		if got := f.Japanese(); got != want {
			t.Errorf("%q: Japanese() = %v, want %v", text, got, want)
		}
	}
}
