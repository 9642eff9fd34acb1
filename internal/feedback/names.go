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
