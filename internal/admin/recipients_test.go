package admin_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/csv"
	"errors"
	"fmt"
	"html"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/links"
	"github.com/baton-hq/baton/internal/recipientcsv"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/tablecount"
	"github.com/baton-hq/baton/internal/table/tableflight"
	"github.com/baton-hq/baton/internal/token"
)

// writesFail is a table whose writes fail, as DynamoDB's do when throttled.
type writesFail struct{ table.Table }

var errThrottled = errors.New("dynamotable: operation error DynamoDB: TransactWriteItems, RequestID: 7QK4, ThrottlingException")

func (writesFail) Put(context.Context, table.Item, table.Cond) error { return errThrottled }
func (writesFail) Transact(context.Context, []table.Write) error     { return errThrottled }
func (w writesFail) PutMany(_ context.Context, ws []table.Write) []error {
	errs := make([]error, len(ws))
	for i := range errs {
		errs[i] = errThrottled
	}
	return errs
}

// TestRecipientsFailWhole: a store failing while tokens were minted was a
// row's error: the list came back 200 with those rows' tokens empty, the
// store's error text in X-Baton-Row-Errors. It is a 500 (the upload is
// retried whole; minting is idempotent), saying nothing of the store.
func TestRecipientsFailWhole(t *testing.T) {
	f := newFixture(t)
	serveRecipients(t, f, writesFail{f.tb}, "nov-news")
	a := f.req("POST", "/admin/recipients?campaign=nov-news", "email,company\nlead@example.com,Acme\n", "Authorization", "Bearer "+fullToken, "Content-Type", "text/csv")
	if a.code != 500 || a.body != `{"error":"internal error"}`+"\n" || strings.Contains(a.hdr.Get("X-Baton-Row-Errors"), "RequestID") {
		t.Fatalf("%d %v %s", a.code, a.hdr, a.body)
	}
}

// writesPanic is a table whose writes panic, as a bug in minting one row
// would.
type writesPanic struct{ table.Table }

func (writesPanic) Put(context.Context, table.Item, table.Cond) error { panic("nil map in a row") }
func (writesPanic) Transact(context.Context, []table.Write) error     { panic("nil map in a row") }

// TestRecipientsPanicIsA500: a panic while minting a row happens on one of
// the list's workers, where no handler's recovery reaches: it crashed the
// whole process. It is that upload's 500 now (logged with its stack), not
// a 400 naming it nor a row's reason.
func TestRecipientsPanicIsA500(t *testing.T) {
	f := newFixture(t)
	serveRecipients(t, f, writesPanic{f.tb}, "nov-news")
	a := f.req("POST", "/admin/recipients?campaign=nov-news", "email,company\nlead@example.com,Acme\nother@example.com,Beta\n", "Authorization", "Bearer "+fullToken, "Content-Type", "text/csv")
	if a.code != 500 || a.body != `{"error":"internal error"}`+"\n" {
		t.Fatalf("%d %v %s", a.code, a.hdr, a.body)
	}
}

// TestUploadAnswersTheFreshPage: the campaign page's upload (a session's
// multipart form) answers the campaign's page as stored after the upload,
// not a download that left the browser on the page saying no list was
// uploaded: the count and time, the rows that got no token, and the
// tokenised list as the download link's data. A list that cannot be read
// answers the page with what is wrong by the form, the count unchanged. A
// client that asks for no page gets the CSV itself, as before.
func TestUploadAnswersTheFreshPage(t *testing.T) {
	f := newFixture(t)
	serveRecipients(t, f, f.tb, "dec-news")
	f.clk.Advance(time.Hour) // the list comes later than the campaign
	cookie, csrf := f.login(fullToken)
	upload := func(list string, hdr ...string) answer {
		return f.uploadList(cookie, csrf, "/admin/campaigns/dec-news/recipients", list, hdr...)
	}
	if a := f.req("GET", "/admin/campaigns/dec-news", "", "Cookie", cookie, "Accept", "text/html"); !strings.Contains(a.body, "no list uploaded yet") {
		t.Fatalf("before the upload: %d %s", a.code, a.body)
	}
	a := upload("email,name\na@maker.example,A\nb@maker.example,B\nnot-an-email,C\n", "Accept", "text/html")
	if a.code != 200 || !strings.HasPrefix(a.hdr.Get("Content-Type"), "text/html") || a.hdr.Get("Content-Disposition") != "" {
		t.Fatalf("upload: %d %v %.300s", a.code, a.hdr, a.body)
	}
	listAt := f.clk.Now().Format("2 Jan 2006 15:04")
	for _, want := range []string{
		"<b>2</b><span class=\"small muted\">in the list uploaded (" + listAt + ")</span>", // the stats, fresh: the first list, no earlier ones
		"List uploaded: 2 recipients got a token.", "1 rows got none", `line 4: &#34;not-an-email&#34; is not an email address`,
		`download="dec-news-recipients.csv"`, `href="../../campaigns"`, `action="../dec-news/recipients"`,
		`href="../dec-news?lang=ja"`, // the language switch: the campaign's page (the upload's URL answers no GET)
	} {
		if !strings.Contains(a.body, want) {
			t.Errorf("the page the upload answered lacks %q:\n%s", want, a.body)
		}
	}
	if strings.Contains(a.body, "no list uploaded yet") {
		t.Errorf("the page the upload answered says no list was uploaded")
	}
	m := regexp.MustCompile(`href="data:text/csv;charset=utf-8;base64,([A-Za-z0-9+/=]+)"`).FindStringSubmatch(a.body)
	if m == nil {
		t.Fatalf("no download link:\n%s", a.body)
	}
	csvText, err := base64.StdEncoding.DecodeString(m[1])
	rows, cerr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(csvText, []byte("\ufeff")))).ReadAll()
	if err != nil || cerr != nil || len(rows) != 4 || rows[0][2] != "baton_token" || rows[1][2] == "" || rows[2][2] == "" || rows[3][2] != "" || !strings.Contains(rows[3][3], "line 4") {
		t.Fatalf("the list behind the link: %v %v %q", err, cerr, csvText)
	}
	if c, err := f.h.Links.Campaign(t.Context(), "dec-news"); err != nil || c.Recipients != 2 {
		t.Errorf("stored: %+v %v", c, err)
	}
	// A list without an email column: the page says what is wrong.
	a = upload("name,company\nA,Acme\n", "Accept", "text/html")
	if a.code != 400 || !strings.Contains(a.body, `id="upload-error" tabindex="-1" autofocus>The list could not be read: `) || !strings.Contains(a.body, "<b>2</b>") || strings.Contains(a.body, "List uploaded") {
		t.Errorf("a list without an email column: %d %s", a.code, a.body)
	}
	// A header and no rows (the wrong sheet, an empty segment's export):
	// refused, the campaign's 2 recipients kept. It replaced them with none.
	a = upload("メールアドレス,氏名\r\n", "Accept", "text/html", "Accept-Language", "ja")
	if a.code != 400 || !strings.Contains(a.body, "受信者がいません：見出し行の下に行がありません") || !strings.Contains(a.body, "<b>2</b>") {
		t.Errorf("a list of no recipients: %d %s", a.code, a.body)
	}
	if a := f.req("POST", "/admin/recipients?campaign=dec-news", "email\n", "Authorization", "Bearer "+fullToken, "Content-Type", "text/csv"); a.code != 400 || !strings.Contains(a.body, `"no recipients: the list has its header and no row under it"`) {
		t.Errorf("the API, a list of no recipients: %d %s", a.code, a.body)
	}
	if c, err := f.h.Links.Campaign(t.Context(), "dec-news"); err != nil || c.Recipients != 2 {
		t.Errorf("after a list of no recipients: %+v %v", c, err)
	}
	// No file: the page asks for one.
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("csrf", csrf)
	mw.Close()
	a = f.req("POST", "/admin/campaigns/dec-news/recipients", b.String(), "Cookie", cookie, "Content-Type", mw.FormDataContentType(), "Accept", "text/html")
	if a.code != 400 || !strings.Contains(a.body, "Choose one CSV file of recipients") {
		t.Errorf("no file: %d %s", a.code, a.body)
	}
	// Not a browser: the CSV.
	a = upload("email\nc@maker.example\n", "Accept", "text/csv")
	if a.code != 200 || !strings.HasPrefix(a.hdr.Get("Content-Type"), "text/csv") || a.hdr.Get("X-Baton-Minted") != "1" {
		t.Errorf("a client's multipart upload: %d %v %s", a.code, a.hdr, a.body)
	}
	// That list replaced the first: now there was an earlier list, which
	// the count leaves out, and the page says so (in either language).
	for lang, want := range map[string]string{
		"en": "<b>1</b><span class=\"small muted\">in the last list uploaded (" + listAt + "); earlier lists not added</span>",
		"ja": "<b>1</b><span class=\"small muted\">最後にアップロードしたリスト（" + f.clk.Now().Format("2006年1月2日 15:04") + "）の人数。それ以前のリストは含みません</span>",
	} {
		if a := f.req("GET", "/admin/campaigns/dec-news?lang="+lang, "", "Cookie", cookie, "Accept", "text/html"); a.code != 200 || !strings.Contains(a.body, want) {
			t.Errorf("%s, after a second list: %d, want %q in\n%s", lang, a.code, want, a.body)
		}
	}
}

// recipientsFixture serves the admin routes with a keyring, and registers
// campaign nov-news.
func recipientsFixture(t *testing.T) (*fixture, *identity.Directory) {
	t.Helper()
	f := newFixture(t)
	dir, _ := serveRecipients(t, f, f.tb, "nov-news")
	return f, dir
}

// serveRecipients serves f's admin routes with recipient lists minted by a
// new keyring on people kept in tb, and registers the campaign.
func serveRecipients(t *testing.T, f *fixture, tb table.Table, campaign string) (*identity.Directory, *token.Keyring) {
	t.Helper()
	kr, err := token.ParseKeyring("k1:" + token.NewSecret())
	if err != nil {
		t.Fatal(err)
	}
	dir := &identity.Directory{T: tb, Now: f.clk.Now}
	f.h.Recipients = &admin.Recipients{Dir: dir, Keyring: kr, Now: f.clk.Now}
	mux := http.NewServeMux()
	f.h.Routes(mux)
	srv := httptest.NewServer(httpx.SecurityHeaders(httpx.Routes(mux)))
	t.Cleanup(srv.Close)
	f.url = srv.URL
	if a := f.req("POST", "/admin/links", `{"campaign":"`+campaign+`","urls":["https://www.example.com/pricing"]}`, "Authorization", "Bearer "+fullToken, "Content-Type", "application/json"); a.code != 201 {
		t.Fatalf("campaign: %d %s", a.code, a.body)
	}
	return dir, kr
}

// racedAlways is a table on which every versioned write loses its race:
// the campaign is being edited by others all the time.
type racedAlways struct{ table.Table }

func (racedAlways) Transact(context.Context, []table.Write) error { return table.ErrConditionFailed }

// TestCampaignEditedByOthersIsRetryable: parallel edits of one campaign
// that lost every race failed, and POST /admin/links answered 500
// "internal error". A write that still cannot land after its retries is a
// 503 with Retry-After saying the campaign is being edited by others, for
// an edit and for a recipient list's count alike.
func TestCampaignEditedByOthersIsRetryable(t *testing.T) {
	f, _ := recipientsFixture(t)
	f.h.Links = &links.Registry{T: racedAlways{f.tb}, Now: f.clk.Now, Sleep: func(context.Context, time.Duration) error { return nil }}
	for _, c := range []struct{ path, body, ctype string }{
		{"/admin/links", `{"campaign":"nov-news","urls":["https://www.example.com/pricing"]}`, "application/json"},
		{"/admin/recipients?campaign=nov-news", "email\nlead@example.com\n", "text/csv"},
	} {
		a := f.req("POST", c.path, c.body, "Authorization", "Bearer "+fullToken, "Content-Type", c.ctype)
		if a.code != 503 || a.hdr.Get("Retry-After") == "" || !strings.HasPrefix(a.hdr.Get("Content-Type"), "application/json") || !strings.Contains(a.body, "being edited by others") {
			t.Errorf("POST %s: %d Retry-After %q %s, want a JSON 503 with Retry-After saying the campaign is being edited by others", c.path, a.code, a.hdr.Get("Retry-After"), a.body)
		}
	}
}

// recipientList is a list of n new recipients (n of them with an
// attribute), in the order rows are numbered.
func recipientList(n int) string {
	var b strings.Builder
	b.WriteString("email,company\n")
	for i := range n {
		fmt.Fprintf(&b, "r%d@corp%d.example,Corp %d\n", i, i%20, i%20)
	}
	return b.String()
}

// TestMaxRecipientListIsAnsweredInTime: a recipient list is minted
// synchronously by POST /admin/recipients; recipientcsv.MaxRows promised
// 100,000 rows, past API Gateway's 30 s (as the touch import's did). This
// counts the store requests a row costs, on people already known (an
// update more than new ones), and checks that MaxRows rows, 16 at a time,
// take at most half of the 30 s at 5 ms a DynamoDB request.
func TestMaxRecipientListIsAnsweredInTime(t *testing.T) {
	f := newFixture(t)
	c := tablecount.New(f.tb)
	serveRecipients(t, f, c, "nov-news")
	const rows = 200
	csvHdr := []string{"Authorization", "Bearer " + fullToken, "Content-Type", "text/csv"}
	if a := f.req("POST", "/admin/recipients?campaign=nov-news", recipientList(rows), csvHdr...); a.code != 200 {
		t.Fatalf("first list: %d %s", a.code, a.body)
	}
	for _, pass := range []string{"new people", "known people"} {
		c.Reset()
		list := recipientList(rows)
		if pass == "new people" {
			list = strings.ReplaceAll(list, "@corp", "@new")
		}
		if a := f.req("POST", "/admin/recipients?campaign=nov-news", list, csvHdr...); a.code != 200 || a.hdr.Get("X-Baton-Minted") != fmt.Sprint(rows) {
			t.Fatalf("%s: %d minted %s %s", pass, a.code, a.hdr.Get("X-Baton-Minted"), a.body)
		}
		perRow := float64(c.Counts().Requests()) / rows
		projected := time.Duration(perRow * recipientcsv.MaxRows / 16 * float64(5*time.Millisecond))
		if projected > 15*time.Second {
			t.Errorf("%s: a row costs %.1f store requests: MaxRows (%d) rows, 16 at a time, take about %v at 5 ms a request, past half of API Gateway's 30 s", pass, perRow, recipientcsv.MaxRows, projected.Round(time.Second))
		}
	}
	// A longer list is refused, saying the maximum, before anyone is made.
	c.Reset()
	a := f.req("POST", "/admin/recipients?campaign=nov-news", strings.ReplaceAll(recipientList(recipientcsv.MaxRows+1), "@corp", "@more"), csvHdr...)
	if a.code != 400 || !strings.Contains(a.body, fmt.Sprintf("more than %d recipients: split the list", recipientcsv.MaxRows)) {
		t.Errorf("MaxRows+1 rows: %d %s, want a 400 saying the maximum", a.code, a.body)
	}
	if n := c.Counts().Requests(); n != 0 {
		t.Errorf("%d store requests before the list was refused, want none", n)
	}
}

// TestRecipientsRefuseWithdrawnConsent: README (POST /optout) says list
// imports refuse a person who withdrew consent. A recipient list gave them
// a token and overwrote their attributes with the list's columns; now
// their row is refused with the offline import's wording, nothing of
// theirs is written, and the list's other rows are minted. The page's
// upload says the refusal in the file and on the page, in Japanese too.
// Consent given again lifts the refusal.
func TestRecipientsRefuseWithdrawnConsent(t *testing.T) {
	f, dir := recipientsFixture(t)
	ctx := context.Background()
	p, _, err := dir.Ensure(ctx, "taro@example.co.jp", "form")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := dir.Update(ctx, p.ID, map[string]string{"name": "山田 太郎"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := dir.LinkVisitor(ctx, "browser-1", p.ID, f.clk.Now(), identity.Strong); err != nil {
		t.Fatal(err)
	}
	f.clk.Advance(time.Minute)
	st := &identity.Stitcher{Dir: dir}
	if err := st.WithdrawConsent(ctx, "browser-1", f.clk.Now()); err != nil {
		t.Fatal(err)
	}
	if active, err := dir.Active(ctx, p.ID); err != nil || active {
		t.Fatalf("the person should have withdrawn consent: active=%v err=%v", active, err)
	}
	before, err := dir.Get(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	a := f.req("POST", "/admin/recipients?campaign=nov-news", "email,name\nother@example.com,Other\ntaro@example.co.jp,Taro List\n", "Authorization", "Bearer "+fullToken, "Content-Type", "text/csv")
	if a.code != 200 {
		t.Fatalf("%d %s", a.code, a.body)
	}
	if got := a.hdr.Get("X-Baton-Minted"); got != "1" {
		t.Errorf("X-Baton-Minted = %s, want 1 (the withdrawn person's row refused); body %q", got, a.body)
	}
	if got, want := a.hdr.Get("X-Baton-Row-Errors"), `[{"line":3,"reason":"this person withdrew consent"}]`; got != want || a.hdr.Get("X-Baton-Row-Error-Count") != "1" {
		t.Errorf("row errors %s (count %s), want %s", got, a.hdr.Get("X-Baton-Row-Error-Count"), want)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(a.body, "\ufeff"))).ReadAll()
	if err != nil || len(rows) != 3 || rows[1][2] == "" || rows[2][2] != "" {
		t.Errorf("the list: %q %v", rows, err)
	}
	after, err := dir.Get(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.Attributes["name"] != "山田 太郎" || !after.UpdatedAt.Equal(before.UpdatedAt) {
		t.Errorf("the list wrote the withdrawn person: %+v (before %+v)", after, before)
	}

	// The page's upload, in Japanese: the file and the page say why.
	cookie, csrf := f.login(fullToken)
	a = f.uploadList(cookie, csrf, "/admin/campaigns/nov-news/recipients?lang=ja", "email,name\ntaro@example.co.jp,Taro List\n", "Accept", "text/html")
	if a.code != 200 || !strings.Contains(a.body, "2 行目：この人は同意を撤回しているため、トークンを発行しません") || strings.Contains(a.body, "withdrew consent") {
		t.Errorf("the Japanese page's upload: %d %s", a.code, a.body)
	}

	// Consent given again (a form from a collecting browser): minted.
	if err := st.RegainConsent(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	a = f.req("POST", "/admin/recipients?campaign=nov-news", "email,name\ntaro@example.co.jp,Taro List\n", "Authorization", "Bearer "+fullToken, "Content-Type", "text/csv")
	if a.code != 200 || a.hdr.Get("X-Baton-Minted") != "1" || a.hdr.Get("X-Baton-Row-Error-Count") != "0" {
		t.Errorf("after consent given again: %d %v %s", a.code, a.hdr, a.body)
	}
}

// TestRecipientsForUnknownCampaign: a list for a campaign id no campaign
// has (a typo: nov-nws for nov-news) answered 200 with tokens, created
// the people and a campaign of no links; every click and open of the real
// campaign with those tokens then recorded nothing. It is a 404 naming the
// campaign, on the API's route and on the page's (text/csv or a form),
// with nothing written. campaign given twice is a 400, not the first.
func TestRecipientsForUnknownCampaign(t *testing.T) {
	f, dir := recipientsFixture(t)
	bearer := []string{"Authorization", "Bearer " + fullToken}
	csvHdr := append(bearer, "Content-Type", "text/csv")
	a := f.req("POST", "/admin/recipients?campaign=nov-nws", "email\nlead@example.com\n", csvHdr...)
	if a.code != 404 || !strings.HasPrefix(a.hdr.Get("Content-Type"), "application/json") || !strings.Contains(a.body, `"field":"campaign"`) || !strings.Contains(a.body, "no such campaign: nov-nws") {
		t.Errorf("a list for campaign nov-nws, which was never registered: %d %s (minted %s)", a.code, a.body, a.hdr.Get("X-Baton-Minted"))
	}
	if a := f.req("POST", "/admin/campaigns/nov-nws/recipients", "email\nlead@example.com\n", csvHdr...); a.code != 404 || !strings.Contains(a.body, `"field":"campaign"`) {
		t.Errorf("the page's route, text/csv: %d %s", a.code, a.body)
	}
	cookie, csrf := f.login(fullToken)
	if a := f.uploadList(cookie, csrf, "/admin/campaigns/nov-nws/recipients", "email\nlead@example.com\n", "Accept", "text/html"); a.code != 404 || !strings.Contains(a.body, "No such campaign: nov-nws") {
		t.Errorf("the page's upload: %d %s", a.code, a.body)
	}
	if a := f.req("GET", "/admin/campaigns/nov-nws", "", bearer...); a.code != 404 {
		t.Errorf("the typo became a campaign: %d %s", a.code, a.body)
	}
	if _, err := dir.ByEmail(t.Context(), "lead@example.com"); !errors.Is(err, identity.ErrNotFound) {
		t.Errorf("a refused list created its people: %v", err)
	}
	for _, q := range []string{"campaign=nov-news&campaign=nov-nws", "campaign=nov-nws&campaign=nov-news"} {
		a := f.req("POST", "/admin/recipients?"+q, "email\nlead@example.com\n", csvHdr...)
		if a.code != 400 || !strings.Contains(a.body, `"field":"campaign"`) || !strings.Contains(a.body, "campaign is given 2 times") {
			t.Errorf("%s: %d %s", q, a.code, a.body)
		}
	}
	// The registered campaign takes it.
	if a := f.req("POST", "/admin/recipients?campaign=nov-news", "email\nlead@example.com\n", csvHdr...); a.code != 200 || a.hdr.Get("X-Baton-Minted") != "1" {
		t.Errorf("the registered campaign: %d %v %s", a.code, a.hdr, a.body)
	}
}

// TestRecipientsRowWithExtraFieldRefused: a row with more fields than the
// header got a token and was counted as refused (X-Baton-Minted 1 and
// X-Baton-Row-Error-Count 1 for a one-row list; the page said "1 rows got
// none"). It is refused alone, its line said, and its person not written
// (the columns may be shifted): the counts add up to the rows.
func TestRecipientsRowWithExtraFieldRefused(t *testing.T) {
	f, dir := recipientsFixture(t)
	a := f.req("POST", "/admin/recipients?campaign=nov-news", "email,name\r\na@eta.example,x,extra\r\nb@eta.example,B\r\n", "Authorization", "Bearer "+fullToken, "Content-Type", "text/csv")
	if a.code != 200 || a.hdr.Get("X-Baton-Minted") != "1" || a.hdr.Get("X-Baton-Row-Error-Count") != "1" ||
		a.hdr.Get("X-Baton-Row-Errors") != `[{"line":2,"reason":"3 fields, the header has 2"}]` {
		t.Errorf("%d %v %s", a.code, a.hdr, a.body)
	}
	if _, err := dir.ByEmail(t.Context(), "a@eta.example"); !errors.Is(err, identity.ErrNotFound) {
		t.Errorf("the refused row's person was written: %v", err)
	}
	if _, err := dir.ByEmail(t.Context(), "b@eta.example"); err != nil {
		t.Errorf("the good row's person: %v", err)
	}
	// The page says the same counts.
	cookie, csrf := f.login(fullToken)
	a = f.uploadList(cookie, csrf, "/admin/campaigns/nov-news/recipients", "email,name\r\na@eta.example,x,extra\r\n", "Accept", "text/html")
	if a.code != 200 || !strings.Contains(a.body, "List uploaded: 0 recipients got a token.") || !strings.Contains(a.body, "1 rows got none") || !strings.Contains(a.body, "line 2: 3 fields, the header has 2") {
		t.Errorf("the page: %d %s", a.code, a.body)
	}
}

// TestUploadSaysEncodingInJapanese: the Japanese campaign page said a
// list's encoding problem in English; it says it in Japanese, line
// numbers kept.
func TestUploadSaysEncodingInJapanese(t *testing.T) {
	f, _ := recipientsFixture(t)
	cookie, csrf := f.login(fullToken)
	a := f.uploadList(cookie, csrf, "/admin/campaigns/nov-news/recipients?lang=ja", "email,name\r\na@b.example,山田\r\nb@b.example,\x8d\xb2\x93\xa1\r\n", "Accept", "text/html") // line 3: 佐藤 in Shift_JIS
	want := "リストを読み込めませんでした：3 行目：この行は Shift_JIS ですが、2 行目は UTF-8 です。ファイルの中で文字コードが混在しています。Excel で「CSV UTF-8 (コンマ区切り)」または「CSV (コンマ区切り)」の形式で保存し直してください。"
	if a.code != 400 || !strings.Contains(html.UnescapeString(a.body), want) || strings.Contains(a.body, "mixes encodings") {
		t.Errorf("%d %s", a.code, a.body)
	}
}

// TestRecipientListMintedInParallel: a list was minted one row after
// another, about six store requests a row: on DynamoDB (milliseconds a
// request) a list of a few thousand rows outlasted API Gateway's 30 s.
// Rows are minted several at once, a new person in three requests (the
// erasure check, the email's lookup, the write that makes them with the
// row's attributes), and the list comes back in its order.
func TestRecipientListMintedInParallel(t *testing.T) {
	f := newFixture(t)
	tb := tableflight.New(f.tb, 8)
	dir, kr := serveRecipients(t, f, tb, "nov-news")
	const rows = 200
	var list strings.Builder
	list.WriteString("email,company\n")
	for i := range rows {
		fmt.Fprintf(&list, "r%03d@corp.example,Corp %d\n", i, i)
	}
	list.WriteString("r007@corp.example,Corp Seven\n") // a person's later row fills only what the first left empty, as one row after another
	tb.ResetCalls()
	a := f.req("POST", "/admin/recipients?campaign=nov-news", list.String(), "Authorization", "Bearer "+fullToken, "Content-Type", "text/csv")
	if a.code != 200 || a.hdr.Get("X-Baton-Minted") != fmt.Sprint(rows) || a.hdr.Get("X-Baton-Duplicate-Rows") != "1" { // r007 is one recipient
		t.Fatalf("%d %v", a.code, a.hdr)
	}
	if !tb.Reached() {
		t.Errorf("never %d store reads at once: the list was minted one row after another", tb.Want)
	}
	if n := tb.Calls(); n > 3*rows+6 { // and the repeated row: an update
		t.Errorf("%d store requests for %d new people, want at most 3 a row", n, rows)
	}
	got, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(a.body, "\ufeff"))).ReadAll()
	if err != nil || len(got) != rows+2 {
		t.Fatalf("list back: %d rows %v", len(got), err)
	}
	if p, err := dir.ByEmail(context.Background(), "r007@corp.example"); err != nil || p.Attributes["company"] != "Corp 7" {
		t.Errorf("a person's two rows: company %q %v, want the first row's (a list fills, never overwrites)", p.Attributes["company"], err)
	}
	for i, r := range got[1 : rows+1] {
		if r[0] != fmt.Sprintf("r%03d@corp.example", i) || r[2] == "" {
			t.Fatalf("row %d back as %q", i+1, r)
		}
		if c, err := kr.Verify(r[2], f.clk.Now()); err != nil {
			t.Fatalf("row %d token: %v", i+1, err)
		} else if p, err := dir.ByEmail(context.Background(), r[0]); err != nil || p.ID != c.PersonID || p.Attributes["company"] != fmt.Sprintf("Corp %d", i) && i != 7 {
			t.Fatalf("row %d: token for %s, person %+v %v", i+1, c.PersonID, p, err)
		}
	}
}

// TestReasonColumnNeverAnAttributeViaAPI: the file the campaign page hands
// back has a baton_error (エラー内容) column; fixed in Excel and uploaded
// again through the API (POST /admin/recipients, as a script or the
// documented curl does), the old reasons ("line 2: ...") must not become
// the people's attributes, as they do not on the page's upload. The
// column is the reasons', refilled: emptied where the row is now fine.
func TestReasonColumnNeverAnAttributeViaAPI(t *testing.T) {
	f, dir := recipientsFixture(t)
	for _, col := range []string{"baton_error", "エラー内容"} {
		email := "fixed-" + map[string]string{"baton_error": "en", "エラー内容": "ja"}[col] + "@eta.example"
		list := "email,name," + col + ",baton_token\r\n" + email + ",Yamada,\"line 2: \"\"not-an-email\"\" is not an email address\",\r\n"
		a := f.req("POST", "/admin/recipients?campaign=nov-news", list, "Authorization", "Bearer "+fullToken, "Content-Type", "text/csv")
		if a.code != 200 || a.hdr.Get("X-Baton-Minted") != "1" {
			t.Fatalf("%s: %d %v %s", col, a.code, a.hdr, a.body)
		}
		p, err := dir.ByEmail(t.Context(), email)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range p.Custom {
			if v != "" && (k == col || k == "baton_error" || k == "エラー内容") {
				t.Errorf("%s: the previous download's reason became an attribute of %s: %q=%q", col, email, k, v)
			}
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(a.body, "\ufeff"))).ReadAll()
		if err != nil || len(rows) != 2 || len(rows[0]) != 4 || rows[0][2] != col || rows[1][2] != "" || rows[1][3] == "" {
			t.Errorf("%s: the list came back %q %v: want the reason column emptied in place, a token", col, rows, err)
		}
	}
}

// TestUploadBoundSaidAndKept: on AWS a request reaches the function only
// within Lambda's payload, so MaxUpload bounds the lists and touches taken
// below the packages' 20 MB: the campaign page says the bound before a
// user picks a file, and a file past it (from the page, or the API's
// text/csv) is a 413 naming it, in Japanese too.
func TestUploadBoundSaidAndKept(t *testing.T) {
	f := newFixture(t, func(h *admin.Handler) { h.MaxUpload = 1 << 20 })
	serveRecipients(t, f, f.tb, "nov-news")
	cookie, csrf := f.login(fullToken)
	if a := f.req("GET", "/admin/campaigns/nov-news", "", "Cookie", cookie, "Accept", "text/html"); a.code != 200 || !strings.Contains(a.body, "up to 1 MB.") {
		t.Fatalf("the page: %d %.2000s", a.code, a.body)
	}
	if a := f.req("GET", "/admin/campaigns/nov-news", "", "Cookie", cookie, "Accept", "text/html", "Accept-Language", "ja"); !strings.Contains(a.body, "1 MB まで。") {
		t.Fatalf("the page in Japanese: %.2000s", a.body)
	}
	long := "email,note\n" + strings.Repeat("someone@example.com,"+strings.Repeat("x", 400)+"\n", 2700) // 1.1 MB, within the form's slack
	huge := "email,note\n" + strings.Repeat("someone@example.com,"+strings.Repeat("x", 400)+"\n", 4000)
	a := f.uploadList(cookie, csrf, "/admin/campaigns/nov-news/recipients", long, "Accept", "text/html")
	if a.code != 413 || !strings.Contains(a.body, "the file is larger than 1 MB: split it") {
		t.Errorf("a %d-byte list from the page: %d %.600s", len(long), a.code, a.body)
	}
	a = f.uploadList(cookie, csrf, "/admin/campaigns/nov-news/recipients", huge, "Accept", "text/html", "Accept-Language", "ja")
	if a.code != 413 || !strings.Contains(a.body, "ファイルが 1 MB を超えています") {
		t.Errorf("in Japanese: %d %.600s", a.code, a.body)
	}
	a = f.req("POST", "/admin/recipients?campaign=nov-news", long, "Authorization", "Bearer "+fullToken, "Content-Type", "text/csv")
	if a.code != 413 || !strings.Contains(a.body, "the CSV is larger than 1 MB") {
		t.Errorf("a %d-byte list from the API: %d %.600s", len(long), a.code, a.body)
	}
	short := "email\n" + strings.Repeat("someone@example.com\n", 1000)
	if a := f.uploadList(cookie, csrf, "/admin/campaigns/nov-news/recipients", short, "Accept", "text/html"); a.code != 200 {
		t.Errorf("a list within the bound: %d %.600s", a.code, a.body)
	}
}

// TestListPartsCountTogether: a send over recipientcsv.MaxRows is uploaded
// in parts, and the campaign showed the last part's count alone ("earlier
// lists not added"). A part uploaded as a further part of the send (the
// page's box, the API's add=1) adds to the count, the same part again
// counts once, and a list not so marked replaces them.
func TestListPartsCountTogether(t *testing.T) {
	f := newFixture(t)
	serveRecipients(t, f, f.tb, "nov-news")
	cookie, csrf := f.login(fullToken)
	part := func(from, n int) string {
		var b strings.Builder
		b.WriteString("email\n")
		for i := range n {
			fmt.Fprintf(&b, "r%05d@corp.example.com\n", from+i)
		}
		return b.String()
	}
	recipients := func() (int, string) {
		t.Helper()
		c, err := f.h.Links.Campaign(context.Background(), "nov-news")
		if err != nil {
			t.Fatal(err)
		}
		a := f.req("GET", "/admin/campaigns/nov-news", "", "Cookie", cookie, "Accept", "text/html")
		return c.Recipients, a.body
	}
	if a := f.uploadList(cookie, csrf, "/admin/campaigns/nov-news/recipients", part(0, 30), "Accept", "text/html"); a.code != 200 {
		t.Fatalf("part 1: %d %.500s", a.code, a.body)
	}
	if n, body := recipients(); n != 30 || !strings.Contains(body, `name="add"`) {
		t.Fatalf("after part 1: %d, the page offers no further part: %v", n, strings.Contains(body, `name="add"`))
	}
	add := func(list string) answer {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		mw.WriteField("csrf", csrf)
		mw.WriteField("add", "1")
		fw, _ := mw.CreateFormFile("list", "part.csv")
		fw.Write([]byte(list))
		mw.Close()
		return f.req("POST", "/admin/campaigns/nov-news/recipients", b.String(), "Cookie", cookie, "Content-Type", mw.FormDataContentType(), "Accept", "text/html")
	}
	if a := add(part(30, 20)); a.code != 200 {
		t.Fatalf("part 2: %d %.500s", a.code, a.body)
	}
	if a := add(part(30, 20)); a.code != 200 { // the same part again
		t.Fatalf("part 2 again: %d %.500s", a.code, a.body)
	}
	csvHdr := []string{"Authorization", "Bearer " + fullToken, "Content-Type", "text/csv"}
	if a := f.req("POST", "/admin/recipients?campaign=nov-news&add=1", part(50, 5), csvHdr...); a.code != 200 {
		t.Fatalf("part 3 by the API: %d %s", a.code, a.body)
	}
	if n, body := recipients(); n != 55 || !strings.Contains(body, "without duplicates, of the 3 lists uploaded as parts of this send") {
		t.Fatalf("after three parts: %d, %.3000s", n, body)
	}
	if a := f.req("POST", "/admin/recipients?campaign=nov-news&add=yes", part(0, 1), csvHdr...); a.code != 400 || !strings.Contains(a.body, "add must be 1 or 0") {
		t.Fatalf("add=yes: %d %s", a.code, a.body)
	}
	if a := f.req("POST", "/admin/recipients?campaign=nov-news", part(0, 40), csvHdr...); a.code != 200 {
		t.Fatalf("a corrected list: %d %s", a.code, a.body)
	}
	if n, _ := recipients(); n != 40 {
		t.Fatalf("a list not added replaces the parts: %d", n)
	}
}

// TestOverlappingListsCountOnce: a send to two different lists
// (customers.csv, seminar-2026.csv) that share people counted the shared
// people twice, as the parts' sum: the campaign's recipients, and every
// rate per recipient, were wrong. Each address counts once, however the
// second list spells it.
func TestOverlappingListsCountOnce(t *testing.T) {
	f := newFixture(t)
	serveRecipients(t, f, f.tb, "nov-news")
	csvHdr := []string{"Authorization", "Bearer " + fullToken, "Content-Type", "text/csv"}
	var customers, seminar strings.Builder
	customers.WriteString("email,company\n")
	for i := range 30 {
		fmt.Fprintf(&customers, "r%05d@corp.example.com,Corp\n", i)
	}
	seminar.WriteString("メールアドレス,氏名\n")
	for i := 20; i < 45; i++ { // 10 of them customers, spelled otherwise
		fmt.Fprintf(&seminar, " R%05d@Corp.Example.com ,参加者\n", i)
	}
	if a := f.req("POST", "/admin/recipients?campaign=nov-news", customers.String(), csvHdr...); a.code != 200 {
		t.Fatalf("customers.csv: %d %s", a.code, a.body)
	}
	for _, again := range []bool{false, true} {
		if a := f.req("POST", "/admin/recipients?campaign=nov-news&add=1", seminar.String(), csvHdr...); a.code != 200 {
			t.Fatalf("seminar-2026.csv: %d %s", a.code, a.body)
		}
		if c, err := f.h.Links.Campaign(context.Background(), "nov-news"); err != nil || c.Recipients != 45 || len(c.Parts) != 2 {
			t.Fatalf("after both lists (again %v): %d recipients in %d parts (%v), want 45 in 2", again, c.Recipients, len(c.Parts), err)
		}
	}
}

// TestListFillsButNeverOverwrites: a recipient list comes from the mail
// tool, often older than what the person typed into a form since; 佐藤's
// form said ベータ工業株式会社 and a list upload made it ベータ again, in
// the person page, the MQL list and the next SFA payload. A list gives a
// person only what they have no value for.
func TestListFillsButNeverOverwrites(t *testing.T) {
	f, dir := recipientsFixture(t)
	ctx := t.Context()
	p, _, err := dir.EnsureWith(ctx, "sato@beta.example", "form", map[string]string{"company": "ベータ工業株式会社"}, map[string]string{"部署": "営業部"})
	if err != nil {
		t.Fatal(err)
	}
	list := "email,company,title,部署,好きな色\r\nsato@beta.example,ベータ,部長,総務部,青\r\n"
	if a := f.req("POST", "/admin/recipients?campaign=nov-news", list, "Authorization", "Bearer "+fullToken, "Content-Type", "text/csv"); a.code != 200 || a.hdr.Get("X-Baton-Minted") != "1" {
		t.Fatalf("%d %v %s", a.code, a.hdr, a.body)
	}
	got, err := dir.Get(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	// 部署, stored custom (before it was the department's name), is read
	// as the department.
	if got.Attributes["company"] != "ベータ工業株式会社" || got.Attributes["department"] != "営業部" || got.Custom["部署"] != "" {
		t.Errorf("the list overwrote what the person gave: company %q, department %q (custom %q)", got.Attributes["company"], got.Attributes["department"], got.Custom)
	}
	if got.Attributes["title"] != "部長" || got.Custom["好きな色"] != "青" {
		t.Errorf("the list did not fill what was missing: %v %v", got.Attributes, got.Custom)
	}
}
