package identity

import (
	"reflect"
	"testing"
)

// TestRestoreZeros: a Japanese list opened and saved in Excel lost the
// leading 0 of its numbers (0312345678 became 312345678, 09012345678
// 9012345678, the postal code 0600001 600001), and the person's phone went
// to the SFA as a number no one can call. The zero comes back where only
// one number can have lost it; anything else is as it was.
func TestRestoreZeros(t *testing.T) {
	fields := map[string]string{
		"電話番号":     "312345678",   // a Tokyo landline
		"携帯電話":     "9012345678",  // a mobile
		"TEL直通":    "8012345678",  //
		"FAX番号":    "612345678",   // Osaka's fax
		"IP電話":     "5012345678",  // 050
		"郵便番号":     "600001",      // Sapporo
		"〒":        "600001",      //
		"Zip Code": "600001",      //
		"会社名":      "123456789",   // no number's column
		"社員番号":     "600001",      //
		"携帯メール":    "123456789",   // an email's column
		"Phone":    " 120123456 ", // 0120, spaces around
	}
	got := RestoreZeros(fields)
	want := []Restored{
		{Column: "FAX番号", From: "612345678", To: "0612345678"},
		{Column: "IP電話", From: "5012345678", To: "05012345678"},
		{Column: "Phone", From: " 120123456 ", To: "0120123456"},
		{Column: "TEL直通", From: "8012345678", To: "08012345678"},
		{Column: "Zip Code", From: "600001", To: "0600001"},
		{Column: "〒", From: "600001", To: "0600001"},
		{Column: "携帯電話", From: "9012345678", To: "09012345678"},
		{Column: "郵便番号", From: "600001", To: "0600001"},
		{Column: "電話番号", From: "312345678", To: "0312345678"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("restored\n %+v\nwant\n %+v", got, want)
	}
	for col, v := range map[string]string{"会社名": "123456789", "社員番号": "600001", "携帯メール": "123456789", "電話番号": "0312345678", "郵便番号": "0600001"} {
		if fields[col] != v {
			t.Errorf("%s = %q, want %q", col, fields[col], v)
		}
	}
	// Ambiguous or whole: left as they are.
	for col, v := range map[string]string{
		"電話番号": "3123456789",   // 10 digits not a mobile's: which digit is missing?
		"携帯電話": "12345678",     // 8: a number without its area code
		"電話":   "03-1234-5678", // dashes: Excel kept it as text
		"tel":  "09012345678",  // whole
		"TEL":  "+81312345678", // international
		"郵便番号": "060-0001",     //
		"〒 ":   "12345",        // 5 digits
		"zip":  "1234567",      // whole
		"fax":  "９０１２３４５６７８",   // full-width: typed, not Excel's
	} {
		f := map[string]string{col: v}
		if got := RestoreZeros(f); len(got) != 0 || f[col] != v {
			t.Errorf("%s %q: %q, restored %+v", col, v, f[col], got)
		}
	}
}
