package admin_test

import (
	"strings"
	"testing"
)

// TestTouchesErrorMarksItsField: a refused import's error was announced
// but no field of the form said it was the one in question: a screen
// reader on the file field heard nothing wrong (WCAG 3.3.1). The field
// the error is about (the file; the channel or the date the form gave for
// rows without one, when Baton refuses it) is marked invalid and
// described by the error; the others are not.
func TestTouchesErrorMarksItsField(t *testing.T) {
	f := touchesFixture(t)
	cookie, csrf := f.login(fullToken)
	fields := map[string]string{"file": `id="file"`, "channel": `id="channel"`, "date": `id="date"`}
	for _, c := range []struct {
		name, list string
		form       map[string]string
		field      string
	}{
		{"a file with no email column", "氏名,会社名\r\n佐藤,A社\r\n", nil, "file"},
		{"an empty file", "", nil, "file"},
		{"a channel Baton does not know", "email\r\nx@acme.example\r\n", map[string]string{"channel": "fax"}, "channel"},
		{"a date Baton cannot read", "email\r\nx@acme.example\r\n", map[string]string{"date": "2026-13-45"}, "date"},
	} {
		a := f.uploadTouches(cookie, csrf, "/admin/touches", []byte(c.list), c.form, "Accept", "text/html")
		if a.code != 400 || !strings.Contains(a.body, `id="import-error"`) {
			t.Fatalf("%s: %d %s", c.name, a.code, a.body)
		}
		for field, id := range fields {
			_, tag, _ := strings.Cut(a.body, id)
			tag, _, _ = strings.Cut(tag, ">")
			marked := strings.Contains(tag, `aria-invalid="true"`) && strings.Contains(tag, `aria-describedby="import-error `)
			if marked != (field == c.field) {
				t.Errorf("%s: the %s field marked %v: %s", c.name, field, marked, tag)
			}
		}
	}
}
