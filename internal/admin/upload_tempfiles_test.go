package admin_test

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// TestLargeUploadLeavesNoTempFiles: a page's upload over 8 MB is read
// into temporary files; the request copy that read it was not the one
// net/http cleans up after, so every such upload left its files in the
// temporary directory. None is left now.
func TestLargeUploadLeavesNoTempFiles(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	f := touchesFixture(t)
	cookie, csrf := f.login(fullToken)
	list := append([]byte("email,event,date\r\n"), bytes.Repeat([]byte("x@acme.example,展示会A,2026-10-01\r\n"), 9<<20/36)...)
	if len(list) < 9<<20 {
		t.Fatalf("the list is %d bytes, want over 8 MB", len(list))
	}
	a := f.uploadTouches(cookie, csrf, "/admin/touches?lang=ja", list, map[string]string{}, "Accept", "text/html")
	if a.code != 200 && a.code != 400 {
		t.Fatalf("upload: %d %.300s", a.code, a.body)
	}
	left, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range left {
		if strings.HasPrefix(e.Name(), "multipart-") {
			t.Errorf("the upload left the temporary file %s", e.Name())
		}
	}
}
