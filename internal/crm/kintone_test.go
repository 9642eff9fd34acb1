package crm_test

import (
	"context"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/push"
)

// TestKintoneCheckUpdateKey: at start-up the form says whether the email
// field can be the update key; kintone refuses one that cannot (a LINK
// field) with CB_VA01, which the check names before any MQL is lost.
func TestKintoneCheckUpdateKey(t *testing.T) {
	ctx := context.Background()
	f := crmfake.NewKintone()
	defer f.Close()
	if err := kt(f).Check(ctx); err != nil {
		t.Fatalf("a unique text field: %v", err)
	}
	cases := []struct {
		field string
		setup func()
		want  []string
	}{
		{"e_mail", func() {}, []string{`"e_mail"`, "no field", "email"}},
		{"mail_link", func() {}, []string{`"mail_link"`, "LINK", "SINGLE_LINE_TEXT"}},
		{"company", func() {}, []string{`"company"`, "duplicate", "unique"}},
	}
	for _, tc := range cases {
		c := kt(f)
		c.EmailField = tc.field
		err := c.Check(ctx)
		for _, w := range tc.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %v, want it to say %q", tc.field, err, w)
			}
		}
	}
	// What kintone does without the check: the push is refused.
	f.EmailField = "mail_link"
	c := kt(f)
	c.EmailField = "mail_link"
	if pe := perr(t, func() error { _, err := c.Push(ctx, lead); return err }()); pe.Code != "CB_VA01" || !pe.Permanent || !strings.Contains(pe.Message, "updateKey") {
		t.Fatalf("updateKey on a LINK field: %+v", pe)
	}
	// A wrong token is a definite answer; an outage is not.
	bad := kt(f)
	bad.APIToken = "wrong"
	var pe *push.Error
	if err := bad.Check(ctx); err == nil || !strings.Contains(err.Error(), "GAIA_IA02") {
		t.Fatalf("bad token: %v", err)
	}
	f.Fail(1, crmfake.Fault{Status: 503, Body: `{"code":"GAIA_UN03","id":"x","message":"メンテナンス中です。"}`})
	if err := kt(f).Check(ctx); err == nil || !func() bool { pe = perr(t, err); return !pe.Permanent }() {
		t.Fatalf("outage: %v", err)
	}
}

// TestKintoneTryAgainLater: GAIA_RE18 and GAIA_DA02 ask to try again later.
func TestKintoneTryAgainLater(t *testing.T) {
	f := crmfake.NewKintone()
	defer f.Close()
	for _, fault := range []crmfake.Fault{{Status: 400, Body: crmfake.KintoneRetryLater}, {Status: 409, Body: crmfake.KintoneDBLocked}} {
		f.Fail(1, fault)
		if pe := perr(t, func() error { _, err := kt(f).Push(context.Background(), lead); return err }()); pe.Permanent {
			t.Fatalf("%s: permanent", pe.Code)
		}
	}
	if _, err := kt(f).Push(context.Background(), lead); err != nil {
		t.Fatal(err)
	}
}

// TestKintoneRedirectIsNotDelivered: a 3xx is a transient failure.
func TestKintoneRedirectIsNotDelivered(t *testing.T) {
	f := crmfake.NewKintone()
	defer f.Close()
	f.Fail(1, crmfake.Fault{Status: 307, Headers: map[string]string{"Location": f.URL + "/k/v1/records.json"}})
	_, err := kt(f).Push(context.Background(), lead)
	if pe := perr(t, err); pe.Permanent || pe.Status != 307 || len(f.Records) != 0 {
		t.Fatalf("%+v", pe)
	}
}
