package privacy

import (
	"encoding/base64"
	"unicode/utf8"
)

// decodeBase64 decodes s when it is base64 (standard or URL alphabet,
// padded or not) of valid UTF-8: how encoding/json writes a []byte.
func decodeBase64(s string) ([]byte, bool) {
	if len(s) < 4 {
		return nil, false
	}
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '-' || c == '_' || c == '=') {
			return nil, false
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) > 0 && utf8.Valid(b) {
			return b, true
		}
	}
	return nil, false
}
