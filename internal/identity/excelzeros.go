package identity

import (
	"maps"
	"slices"
	"strings"

	"golang.org/x/text/unicode/norm"

	"github.com/baton-hq/baton/internal/csvin"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/textcut"
)

// Excel reads a cell of digits as a number: a list typed or exported with
// 0312345678 (a Tokyo landline without its dashes), 09012345678 (a
// mobile's) or 0600001 (a Sapporo postal code), opened and saved again in
// Excel, holds 312345678, 9012345678 and 600001. For a Japanese team the
// zero is given back where only one number can have lost it:
//
//   - a phone column's 9 digits: every Japanese number of 10 digits (a
//     landline, 0120, 0570) begins with 0, and none has 9;
//   - a phone column's 10 digits beginning 70, 80 or 90 (a mobile, 0800's
//     free dial) or 50 (an IP phone): 11-digit numbers all begin 0 so;
//   - a postal column's 6 digits: a postal code has 7.
//
// Anything else (8 digits: a number without its area code; 10 digits
// beginning otherwise; a cell with dashes, which Excel keeps as text) is
// left as it is: which number it was is not ours to guess.

// Restored is a cell of an imported list whose leading zero was given
// back: its row (as a spreadsheet numbers it), column, the cell as the
// file had it and as it is stored.
type Restored struct {
	Line   int    `json:"line"`
	Column string `json:"column"`
	From   string `json:"from"`
	To     string `json:"to"`
}

// RestoreZeros gives back, in a row of a Japanese team's list (its column
// names to its cells), the leading zero Excel dropped from phone numbers
// and postal codes (see above). It changes fields and returns the cells it
// changed, by column name (Line is the caller's to fill).
func RestoreZeros(fields map[string]string) []Restored {
	var out []Restored
	for _, col := range slices.Sorted(maps.Keys(fields)) {
		v := strings.TrimSpace(fields[col])
		if !digitsOnly(v) {
			continue
		}
		to := ""
		switch {
		case phoneColumn(col) && (len(v) == 9 || len(v) == 10 && mobileWithoutZero(v)):
			to = "0" + v
		case postalColumn(col) && len(v) == 6:
			to = "0" + v
		}
		if to != "" {
			out = append(out, Restored{Column: col, From: fields[col], To: to})
			fields[col] = to
		}
	}
	return out
}

// mobileWithoutZero reports whether 10 digits are an 11-digit Japanese
// number without its 0: 070, 080, 090 (mobiles, and 0800's free dial) and
// 050 (IP phones).
func mobileWithoutZero(v string) bool {
	switch v[:2] {
	case "70", "80", "90", "50":
		return true
	}
	return false
}

// columnKey is a list's column name as the attributes read it: NFKC, lower
// case, without a template's required mark, the name in its last brackets.
func columnKey(name string) string {
	return lastBracketed(csvin.Header(textcut.Controls(norm.NFKC.String(name))))
}

// phoneColumn reports whether a list's column holds a phone number: the
// phone's or mobile's attribute (電話番号, 携帯電話, TEL会社, Phone Number),
// or a name saying a number to call or fax (FAX番号, TEL直通, 電話番号（自宅）,
// 携帯番号2). Not an email's (携帯メール).
func phoneColumn(name string) bool {
	k := columnKey(name)
	if event.IsEmailKey(k) || strings.Contains(k, "メール") || strings.Contains(k, "mail") {
		return false
	}
	if a, ok := spacedAttribute(k); ok && phoneAttributes[a] {
		return true
	}
	for _, w := range []string{"電話", "携帯", "phone", "fax", "ファックス", "ファクス"} {
		if strings.Contains(k, w) {
			return true
		}
	}
	return strings.HasPrefix(k, "tel")
}

// postalColumn reports whether a list's column holds a postal code
// (郵便番号, 〒, 会社郵便番号, Zip, Postal Code).
func postalColumn(name string) bool {
	k := columnKey(name)
	if strings.Contains(k, "郵便番号") || strings.HasPrefix(k, "〒") {
		return true
	}
	switch strings.NewReplacer(" ", "", "_", "", "-", "").Replace(k) {
	case "郵便", "zip", "zipcode", "postalcode", "postcode", "postcd", "yubin", "yubinbango":
		return true
	}
	return false
}
