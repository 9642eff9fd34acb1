package admin_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/csv"
	"errors"
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
	"github.com/baton-hq/baton/internal/table"
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
	kr, err := token.ParseKeyring("k1:" + token.NewSecret())
	if err != nil {
		t.Fatal(err)
	}
	tb := writesFail{f.tb}
	f.h.Recipients = &admin.Recipients{T: tb, Dir: &identity.Directory{T: tb, Now: f.clk.Now}, Keyring: kr, Now: f.clk.Now}
	mux := http.NewServeMux()
	f.h.Routes(mux)
	srv := httptest.NewServer(httpx.Routes(mux))
	defer srv.Close()
	f.url = srv.URL
	a := f.req("POST", "/admin/recipients?campaign=nov-news", "email,company\nlead@example.com,Acme\n", "Authorization", "Bearer "+fullToken, "Content-Type", "text/csv")
	if a.code != 500 || a.body != `{"error":"internal error"}`+"\n" || strings.Contains(a.hdr.Get("X-Baton-Row-Errors"), "RequestID") {
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
	kr, err := token.ParseKeyring("k1:" + token.NewSecret())
	if err != nil {
		t.Fatal(err)
	}
	f.h.Recipients = &admin.Recipients{T: f.tb, Dir: &identity.Directory{T: f.tb, Now: f.clk.Now}, Keyring: kr, Now: f.clk.Now}
	mux := http.NewServeMux()
	f.h.Routes(mux)
	srv := httptest.NewServer(httpx.SecurityHeaders(httpx.Routes(mux)))
	defer srv.Close()
	f.url = srv.URL
	bearer := []string{"Authorization", "Bearer " + fullToken}
	if a := f.req("POST", "/admin/links", `{"campaign":"dec-news","urls":["https://www.example.com/pricing"]}`, append(bearer, "Content-Type", "application/json")...); a.code != 201 {
		t.Fatalf("campaign: %d %s", a.code, a.body)
	}
	f.clk.Advance(time.Hour) // the list comes later than the campaign
	cookie, csrf := f.login(fullToken)
	upload := func(list string, hdr ...string) answer {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		mw.WriteField("csrf", csrf)
		fw, _ := mw.CreateFormFile("list", "list.csv")
		fw.Write([]byte(list))
		mw.Close()
		return f.req("POST", "/admin/campaigns/dec-news/recipients", b.String(), append([]string{"Cookie", cookie, "Content-Type", mw.FormDataContentType()}, hdr...)...)
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
		"<b>2</b><span class=\"small muted\">in the last list uploaded (" + listAt + ")", // the stats, fresh
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
	if a.code != 400 || !strings.Contains(a.body, `id="upload-error">The list could not be read: `) || !strings.Contains(a.body, "<b>2</b>") || strings.Contains(a.body, "List uploaded") {
		t.Errorf("a list without an email column: %d %s", a.code, a.body)
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
}
