package crm_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/baton-hq/baton/internal/crm"
	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/push"
)

// A webhook receiver that refuses the lead in Japanese (a Japanese
// in-house SFA or kintone plug-in's error page) has its answer kept to 512
// bytes, cut in the middle of a character: the failure marketing ops reads
// on the person's page and the dead letters ends in a broken byte (U+FFFD
// once stored as JSON), and the message is no longer valid UTF-8.
func TestWebhookErrorCutAtACharacter(t *testing.T) {
	body := "x" + strings.Repeat("必須項目「会社名」が未入力です。", 20) // 1 + 3n bytes: byte 512 falls inside a character
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusUnprocessableEntity)
		w.Write([]byte(body))
	}))
	defer srv.Close()
	wh := &crm.Webhook{URL: srv.URL + "/hook", Secret: webhookSecret}
	_, err := wh.Push(context.Background(), push.Lead{MQLID: "p_1-c1", Email: "a@example.com"})
	var pe *push.Error
	if !errors.As(err, &pe) || !pe.Permanent || pe.Status != 422 {
		t.Fatalf("422: %v", err)
	}
	if !utf8.ValidString(pe.Message) {
		t.Errorf("the receiver's message, as recorded, is not valid UTF-8 (cut mid-character): ...%q", pe.Message[len(pe.Message)-8:])
	}
}

// Salesforce answers a refused Lead with every error it found (an org's
// validation rules and required fields at once). The delivery's failure,
// what marketing ops reads on the dead letter, names only the first: they
// fix it, replay, and only then learn of the second, one round trip (and
// one dead letter) per error.
func TestSalesforceEveryError(t *testing.T) {
	f := crmfake.NewSalesforce()
	defer f.Close()
	f.Fail(1, crmfake.Fault{Status: 400, Body: `[` +
		`{"message":"業種を選択してください","errorCode":"FIELD_CUSTOM_VALIDATION_EXCEPTION","fields":["Industry"]},` +
		`{"message":"Required fields are missing: [Prefecture__c]","errorCode":"REQUIRED_FIELD_MISSING","fields":["Prefecture__c"]}]`})
	_, err := sf(f).Push(context.Background(), lead)
	pe := perr(t, err)
	if !pe.Permanent {
		t.Fatalf("%+v", pe)
	}
	if !strings.Contains(pe.Error(), "Prefecture__c") {
		t.Errorf("the failure names only Salesforce's first error: %q (the second, REQUIRED_FIELD_MISSING Prefecture__c, is lost)", pe.Error())
	}
}

// A 5xx from in front of Salesforce (its maintenance page, a proxy's error
// page) is HTML, not Salesforce's error array: the whole body, up to 1 MiB
// read, becomes the failure's message, recorded in the delivery (lastError)
// and shown whole on the person's and the MQL page. The webhook connector
// keeps 512 bytes of an answer; on DynamoDB a delivery record over 400 KB
// cannot even be written, and the attempt is never recorded.
func TestSalesforceHTMLErrorBounded(t *testing.T) {
	f := crmfake.NewSalesforce()
	defer f.Close()
	page := "<!DOCTYPE html><html><head><title>Down for maintenance</title></head><body>" + strings.Repeat("<p>Salesforce is down for maintenance. メンテナンス中です。</p>", 8000) + "</body></html>"
	f.Fail(1, crmfake.Fault{Status: 503, Body: page})
	_, err := sf(f).Push(context.Background(), lead)
	pe := perr(t, err)
	if pe.Permanent || pe.Status != 503 {
		t.Fatalf("%+v", pe)
	}
	if n := len(pe.Error()); n > 4096 {
		t.Errorf("the failure recorded for a 503 maintenance page is %d bytes (the page, %d bytes, whole)", n, len(page))
	}
}
