package identity

import (
	"strings"

	"github.com/baton-hq/baton/internal/textcut"
)

// DisplayName is how a person is called wherever Baton shows them (the
// workspace's lists and cards, an account's members, the lab): the name
// attribute, else the family and given names a form asked apart (姓, 名:
// stored as last_name, first_name), family name first with a space as a
// Japanese name is written (佐々木 三郎), else fallback (the email, or ""
// for a caller that shows its own). One rule, so that a person is not
// named on one page and an address on the next.
func DisplayName(attrs map[string]string, fallback string) string {
	// Nothing visible is no name (one stored before such values were
	// dropped: textcut.Line).
	if n := strings.TrimSpace(attrs["name"]); textcut.Visible(n) {
		return n
	}
	if n := strings.TrimSpace(strings.TrimSpace(attrs["last_name"]) + " " + strings.TrimSpace(attrs["first_name"])); textcut.Visible(n) {
		return n
	}
	return fallback
}
