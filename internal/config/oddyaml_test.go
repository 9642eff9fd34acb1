package config

import (
	"strings"
	"testing"
)

// The configuration file read whole or refused with the line: a second
// document after --- was silently ignored (its settings never applied),
// and a file saved as Shift_JIS named no line.
func TestParseFileOddYAML(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"sla:\n  accept_within: 8h\n---\nsla:\n  business_time: true\n", "line 3"},
		{"timezone: Asia/Tokyo\n# 営業カレンダー \x89\x63\x8b\xc6\n", "line 2"},
	} {
		err := ParseFile([]byte(c.src), &File{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want an error naming %s", c.src, err, c.want)
		}
	}
	if err := ParseFile([]byte("\xef\xbb\xbftimezone: Asia/Tokyo\r\n"), &File{}); err != nil {
		t.Errorf("BOM and CRLF: %v", err)
	}
}

// A stray --- at the end (an empty document) is no second document.
func TestParseFileTrailingEmptyDocument(t *testing.T) {
	if err := ParseFile([]byte("timezone: Asia/Tokyo\n---\n# notes\n"), &File{}); err != nil {
		t.Error(err)
	}
}
