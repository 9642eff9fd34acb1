package admin_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/audit"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/offline"
)

// TestTouchesFindTheReportsTable: POST /admin/touches with Zoom's attendee
// report, the file as Zoom writes it: the answer says where its table was
// (headerRow, skippedRows, skippedSections) and who did not come; a report
// with no row naming an email column is a JSON 400 saying what was looked
// for. The report was a 400 "missing columns" of its title line.
func TestTouchesFindTheReportsTable(t *testing.T) {
	im := &offline.Importer{} // the route is served when set; filled once the store is
	f := newFixture(t, func(h *admin.Handler) { h.Touches = im })
	dir := &identity.Directory{T: f.tb, Now: f.clk.Now}
	log := &eventlog.Log{T: f.tb}
	*im = offline.Importer{Dir: dir, Link: &identity.Stitcher{Dir: dir, Log: log}, Events: log, Now: f.clk.Now}
	report, err := os.ReadFile("../offline/testdata/zoom_attendee_report_ja.csv")
	if err != nil {
		t.Fatal(err)
	}
	auth := []string{"Authorization", "Bearer " + fullToken, "Content-Type", "text/csv"}
	a := f.req("POST", "/admin/touches?channel=webinar&date=2026-11-06&event=DX", string(report), auth...)
	var res struct {
		Rows, Imported, NotAttended, HeaderRow, SkippedRows int
		SkippedSections                                     []string
	}
	if a.code != 200 || json.Unmarshal([]byte(a.body), &res) != nil || res.HeaderRow != 15 || res.SkippedRows != 11 ||
		len(res.SkippedSections) != 2 || res.Rows != 5 || res.Imported != 2 || res.NotAttended != 2 {
		t.Errorf("%d %s", a.code, a.body)
	}
	a = f.req("POST", "/admin/touches?channel=webinar&date=2026-11-06&event=DX", "出席者レポート\r\n出席者の詳細\r\n出席しましたか,ユーザー名（元の名前）\r\nはい,山田\r\n", auth...)
	var e struct{ Error string }
	if a.code != 400 || !strings.HasPrefix(a.hdr.Get("Content-Type"), "application/json") || json.Unmarshal([]byte(a.body), &e) != nil ||
		!strings.Contains(e.Error, "no header row") || !strings.Contains(e.Error, "メールアドレス") {
		t.Errorf("%d %s", a.code, a.body)
	}
}

// TestTouchesTakeTheReportsEventAndDay: POST /admin/touches?channel=webinar
// with Zoom's report and no event or date: they are its summary's, and the
// answer says so (eventFrom, dateFrom: "report"). It was a 400 "missing
// columns: event ... or ?event=, date ... or ?date=".
func TestTouchesTakeTheReportsEventAndDay(t *testing.T) {
	im := &offline.Importer{}
	f := newFixture(t, func(h *admin.Handler) { h.Touches = im })
	dir := &identity.Directory{T: f.tb, Now: f.clk.Now}
	log := &eventlog.Log{T: f.tb}
	*im = offline.Importer{Dir: dir, Link: &identity.Stitcher{Dir: dir, Log: log}, Events: log, Now: f.clk.Now}
	report, err := os.ReadFile("../offline/testdata/zoom_attendee_report_en.csv")
	if err != nil {
		t.Fatal(err)
	}
	auth := []string{"Authorization", "Bearer " + fullToken, "Content-Type", "text/csv"}
	a := f.req("POST", "/admin/touches?channel=webinar", string(report), auth...)
	var res struct {
		Imported                         int
		Event, EventFrom, Date, DateFrom string
	}
	if a.code != 200 || json.Unmarshal([]byte(a.body), &res) != nil || res.Imported != 2 ||
		res.Event != "Cloud Cost Clinic" || res.EventFrom != "report" || res.Date != "2026-11-06" || res.DateFrom != "report" {
		t.Errorf("%d %s", a.code, a.body)
	}
}

// TestCompressedBodiesRefused: a gzipped CSV posted with Content-Encoding
// gzip was read as its bytes and refused as "neither UTF-8, Shift_JIS nor
// EUC-JP", nothing saying why; every admin body is taken uncompressed
// (415 naming the encoding), as /e answers; identity is no encoding.
func TestCompressedBodiesRefused(t *testing.T) {
	im := &offline.Importer{}
	f := newFixture(t, func(h *admin.Handler) { h.Touches = im })
	dir := &identity.Directory{T: f.tb, Now: f.clk.Now}
	log := &eventlog.Log{T: f.tb}
	*im = offline.Importer{Dir: dir, Link: &identity.Stitcher{Dir: dir, Log: log}, Events: log, Now: f.clk.Now}
	csv := "email,name\r\nsato@example.co.jp,佐藤\r\n"
	for _, enc := range []string{"gzip", " br", "GZIP, identity"} {
		a := f.req("POST", "/admin/touches?channel=webinar&date=2026-11-06&event=DX", "\x1f\x8b\x08\x00compressed", "Authorization", "Bearer "+fullToken, "Content-Type", "text/csv", "Content-Encoding", enc)
		var e struct{ Error string }
		if a.code != 415 || json.Unmarshal([]byte(a.body), &e) != nil || !strings.Contains(e.Error, "Content-Encoding") {
			t.Errorf("Content-Encoding %q: %d %s", enc, a.code, a.body)
		}
	}
	a := f.req("POST", "/admin/touches?channel=webinar&date=2026-11-06&event=DX", csv, "Authorization", "Bearer "+fullToken, "Content-Type", "text/csv", "Content-Encoding", "identity")
	if a.code != 200 {
		t.Errorf("Content-Encoding identity: %d %s", a.code, a.body)
	}
}

// TestRefusedImportSaysWhyInTheAudit: a list that could not be imported
// was in the audit trail as "refused 400" with no reason, where every other
// refusal says why; it says the file could not be read, in both languages.
func TestRefusedImportSaysWhyInTheAudit(t *testing.T) {
	im := &offline.Importer{}
	f := newFixture(t, func(h *admin.Handler) { h.Touches = im })
	dir := &identity.Directory{T: f.tb, Now: f.clk.Now}
	log := &eventlog.Log{T: f.tb}
	*im = offline.Importer{Dir: dir, Link: &identity.Stitcher{Dir: dir, Log: log}, Events: log, Now: f.clk.Now}
	a := f.req("POST", "/admin/touches?channel=webinar&date=2026-11-06&event=DX", "出席者レポート\r\nはい,山田\r\n",
		"Authorization", "Bearer "+fullToken, "Content-Type", "text/csv")
	if a.code != 400 {
		t.Fatalf("%d %s", a.code, a.body)
	}
	p := f.auditPage("")
	if len(p.Entries) == 0 || p.Entries[0].Route != "POST /admin/touches" || p.Entries[0].Result != audit.ResultRefused || p.Entries[0].Reason != "file unreadable" {
		t.Fatalf("entries %+v", p.Entries)
	}
	if page := f.req("GET", "/admin/audit?lang=ja", "", "Authorization", "Bearer "+readToken, "Accept", "text/html"); !strings.Contains(page.body, "拒否：ファイルを読み取れない") {
		t.Errorf("the Japanese trail does not say why:\n%s", page.body)
	}
}
