package feedback

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// outcomeOf maps an SFA's status or stage name to its outcome. Names typed
// in the SFA and in the config file differ in width and stray spaces
// (ﾌｫﾛｰ中 and フォロー中, "受注　"): both are compared after NFKC and trimming.
func outcomeOf(names map[string]string, name string) (string, bool) {
	if out, ok := names[name]; ok {
		return out, true
	}
	want := fold(name)
	if want == "" {
		return "", false
	}
	for k, out := range names {
		if fold(k) == want {
			return out, true
		}
	}
	return "", false
}

func fold(s string) string { return strings.TrimSpace(norm.NFKC.String(s)) }

// salesforceID18 is a Salesforce id's 18-character form. A 15-character id
// (case-sensitive: formula fields, reports) gets its suffix, which encodes
// where its upper-case letters are; any other id is returned as it is.
func salesforceID18(id string) string {
	if len(id) != 15 {
		return id
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
	suffix := make([]byte, 3)
	for chunk := range 3 {
		n := 0
		for i := range 5 {
			c := id[chunk*5+i]
			switch {
			case c >= 'A' && c <= 'Z':
				n |= 1 << i
			case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			default:
				return id // not an id
			}
		}
		suffix[chunk] = alphabet[n]
	}
	return id + string(suffix)
}

// salesforceRecordID reports whether s has the form of a Salesforce record
// id: 15 or 18 letters and digits.
func salesforceRecordID(s string) bool {
	if len(s) != 15 && len(s) != 18 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}
