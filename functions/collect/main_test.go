package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/app/web"

	"github.com/baton-hq/baton/internal/lambdahttp"
	"github.com/baton-hq/baton/internal/testutil/lambdatest"
)

// TestSampleEvents feeds every sample in events/collect through the Lambda
// entry point, in the order a visitor would produce them.
func TestSampleEvents(t *testing.T) {
	app := lambdatest.NewApp(t)
	routes, err := web.CollectHandler(app.Core) // what main.go serves, on the test's core
	if err != nil {
		t.Fatal(err)
	}
	h := lambdahttp.Adapter{Handler: routes}

	resp := lambdatest.Invoke(t, h, "collect/page_view.json")
	if resp.StatusCode != 204 {
		t.Fatalf("page_view: status %d body %s", resp.StatusCode, resp.Body)
	}
	if len(resp.Cookies) != 1 || !strings.HasPrefix(resp.Cookies[0], "bt_vid=f3b2c1d0-aaaa-4bbb-8ccc-000000000001;") ||
		!strings.Contains(resp.Cookies[0], "HttpOnly") || !strings.Contains(resp.Cookies[0], "Secure") || !strings.Contains(resp.Cookies[0], "SameSite=Lax") {
		t.Errorf("page_view: cookies %q", resp.Cookies)
	}
	if resp.Headers["Access-Control-Allow-Origin"] != "https://www.example.com" || resp.Headers["Access-Control-Allow-Credentials"] != "true" {
		t.Errorf("page_view: CORS headers %v", resp.Headers)
	}
	if resp := lambdatest.Invoke(t, h, "collect/batch.json"); resp.StatusCode != 204 {
		t.Fatalf("batch: status %d body %s", resp.StatusCode, resp.Body)
	}
	if resp := lambdatest.Invoke(t, h, "collect/form_submit_identify.json"); resp.StatusCode != 204 {
		t.Fatalf("form submit: status %d body %s", resp.StatusCode, resp.Body)
	}
	p, err := app.People.ByEmail(context.Background(), "hanako.yamada@example.co.jp")
	if err != nil {
		t.Fatalf("form submit did not identify: %v", err)
	}
	if p.Attributes["company"] != "Example株式会社" || p.Attributes["title"] != "営業部長" {
		t.Errorf("attributes = %v", p.Attributes)
	}
	tl, err := app.Stitcher.Timeline(context.Background(), p.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, ev := range tl {
		types = append(types, ev.Type)
	}
	if got := strings.Join(types, ","); got != "form_submit,page_view,custom,download,page_view" {
		t.Errorf("timeline (newest first) = %s", got)
	}
	if resp := lambdatest.Invoke(t, h, "collect/function_url_page_view.json"); resp.StatusCode != 204 {
		t.Errorf("function URL: status %d body %s", resp.StatusCode, resp.Body)
	}
	resp = lambdatest.Invoke(t, h, "collect/bad_input.json")
	var body struct{ Error, Field string }
	if resp.StatusCode != 400 || json.Unmarshal([]byte(resp.Body), &body) != nil || body.Field != "properties.url" {
		t.Errorf("bad input: status %d body %s", resp.StatusCode, resp.Body)
	}
	resp = lambdatest.Invoke(t, h, "collect/segment_identify.json")
	if resp.StatusCode != 200 || !strings.Contains(resp.Body, `"success":true`) {
		t.Fatalf("segment identify: status %d body %s", resp.StatusCode, resp.Body)
	}
	if _, err := app.People.ByEmail(context.Background(), "taro@example.com"); err != nil {
		t.Errorf("segment identify did not create the person: %v", err)
	}
	// Segment's Android SDK (analytics-kotlin) batch: POST /v1/b, gzip,
	// text/plain, the write key in the body (the gzip arrives base64).
	resp = lambdatest.Invoke(t, h, "collect/segment_mobile_batch.json")
	if resp.StatusCode != 200 || !strings.Contains(resp.Body, `"success":true`) || strings.Contains(resp.Body, "refused") {
		t.Fatalf("segment mobile batch: status %d body %s", resp.StatusCode, resp.Body)
	}
	if evs, err := app.Events.Visitor(context.Background(), "5c2f1a8e-7d4b-4e0a-9c1f-android00001"); err != nil || len(evs) != 2 {
		t.Errorf("segment mobile batch: %d events stored, %v", len(evs), err)
	}
	if n := len(lambdatest.Samples(t, "collect")); n != 7 {
		t.Fatalf("%d collect samples; each needs a case here", n)
	}
}
