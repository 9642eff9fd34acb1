package tag_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/baton-hq/baton/infra/local/stack"
)

// TestOptOutAcrossSites: with Baton on another site than the page (the page
// on 127.0.0.1, the collector on localhost) the browser keeps none of the
// collector's cookies, so POST /optout carried no bt_vid and the opt-out
// withdrew nobody, though the person's events were stored under the tag's
// id. The tag now sends that id with the withdrawal: baton('consent',
// false) and a Google consent mode update denying analytics_storage record
// it for the visitor's person (tag/browser/crosssite.mjs).
func TestOptOutAcrossSites(t *testing.T) {
	chromium := browserReady(t)

	var collector string
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := filepath.Base(r.URL.Path)
		b, err := os.ReadFile(filepath.Join("testdata", "site", name))
		if err != nil || !strings.HasSuffix(name, ".html") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(bytes.ReplaceAll(b, []byte("{{COLLECTOR}}"), []byte(collector)))
	}))
	defer site.Close()
	if !strings.HasPrefix(site.URL, "http://127.0.0.1:") {
		t.Fatalf("the site is at %s, not on 127.0.0.1", site.URL)
	}
	s := stack.ForTest(t, map[string]string{"BATON_SITE_ORIGINS": site.URL})
	collector = strings.Replace(s.URL, "127.0.0.1", "localhost", 1)
	if collector == s.URL {
		t.Fatalf("the collector is at %s, not on 127.0.0.1", s.URL)
	}

	cmd := exec.Command("node", "browser/crosssite.mjs")
	cmd.Env = append(os.Environ(), "SITE="+site.URL, "COLLECTOR="+collector, "CHROMIUM="+chromium)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("crosssite.mjs: %v\n%s", err, out)
	}
	type result struct {
		Name, Failed, AID, Email, Cookies string
		Left                              *string
		Status                            int
		Errors                            []string
	}
	results := map[string]result{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var r result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("crosssite.mjs output %q: %v", sc.Text(), err)
		}
		results[r.Name] = r
	}
	ctx := context.Background()
	for _, name := range []string{"consent", "gtag"} {
		t.Run(name, func(t *testing.T) {
			r, ok := results[name]
			if !ok {
				t.Fatal("scenario did not run")
			}
			if r.Failed != "" || len(r.Errors) > 0 {
				t.Fatalf("scenario failed: %s %v", r.Failed, r.Errors)
			}
			// The premise: the browser kept no cookie of the collector's,
			// so only the tag's id can name the visitor.
			if r.Cookies != "" {
				t.Fatalf("the browser kept the collector's cookies %q: not a cross-site collector", r.Cookies)
			}
			if r.Left != nil {
				t.Errorf("the tag kept its visitor id %s after the opt-out", *r.Left)
			}
			if r.Status != http.StatusNoContent {
				t.Errorf("POST /optout answered %d", r.Status)
			}
			p, err := s.App.People.ByEmail(ctx, r.Email)
			if err != nil {
				t.Fatalf("%s not identified: %v", r.Email, err)
			}
			if of, err := s.App.Stitcher.PersonOf(ctx, r.AID); err != nil || of != p.ID {
				t.Fatalf("the tag's id %s belongs to %q (%v), not to %s", r.AID, of, err, p.ID)
			}
			if p.ConsentWithdrawn.IsZero() {
				t.Error("the opt-out recorded no withdrawal for the visitor's person")
			}
			if held, err := s.App.People.RefusedVisitor(ctx, r.AID); err != nil || !held {
				t.Errorf("the visitor's id is not held after the withdrawal: %v %v", held, err)
			}
		})
	}
}
