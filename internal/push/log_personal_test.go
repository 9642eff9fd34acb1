package push_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/push"
)

// Salesforce refuses a Lead quoting the values it refused ("Email: invalid
// email address: ...", "Company: data value too large: ..."), and a
// webhook receiver's text may echo the payload. That message is the
// delivery's reason, kept on its record and dead letter (both erased with
// the person), and it was logged as well, on the local worker's permanent
// failure and, on AWS, in the push function's "retry later" and
// "dead-lettered" lines: the lead's email and company in logs, which an
// erasure does not reach (README: logs carry no personal data). The logs
// now say the connector, its status, the HTTP status and the SFA's error
// code alone.
func TestLogsQuoteNoSFAMessage(t *testing.T) {
	rc := &receiver{ids: map[string]int{}}
	f := setup(t, rc)
	var logs bytes.Buffer
	f.w.Log = slog.New(slog.NewTextHandler(&logs, nil))
	quoting := func(permanent bool) error {
		return &push.Error{Connector: "crm", Status: 400, Code: "INVALID_EMAIL_ADDRESS", Permanent: permanent,
			Message: "Email: invalid email address: lead@example.com; Company: data value too large: Acme"}
	}
	bad := &scripted{name: "crm", errs: []error{quoting(false), quoting(true)}}
	f.w.Connectors = []push.Connector{bad}

	ctx := context.Background()
	res := f.w.Deliver(ctx, f.mql)
	if res.Done || res.Permanent || !strings.Contains(res.Reason, "lead@example.com") {
		t.Fatalf("first attempt %+v: want a retry whose reason (for the record) is the SFA's", res)
	}
	for _, s := range []string{res.Logged(), res.Brief} {
		if strings.Contains(s, "lead@example.com") || strings.Contains(s, "Acme") || !strings.Contains(s, "crm: retrying (400 INVALID_EMAIL_ADDRESS)") {
			t.Errorf("what the push function logs of a retry: %q", s)
		}
	}
	f.clk.t = f.clk.t.Add(time.Hour)
	res = f.w.Deliver(ctx, f.mql)
	if !res.Permanent {
		t.Fatalf("second attempt %+v", res)
	}
	if s := res.Logged(); strings.Contains(s, "lead@example.com") || strings.Contains(s, "Acme") || !strings.Contains(s, "crm: dead (400 INVALID_EMAIL_ADDRESS)") {
		t.Errorf("what the push function logs of a dead letter: %q", s)
	}
	if out := logs.String(); strings.Contains(out, "lead@example.com") || strings.Contains(out, "Acme") {
		t.Errorf("the log holds the lead's email or company:\n%s", out)
	} else if !strings.Contains(out, "permanent failure") || !strings.Contains(out, "INVALID_EMAIL_ADDRESS") {
		t.Errorf("the permanent failure is no longer logged with its code:\n%s", out)
	}
	// The record keeps the SFA's words for marketing ops, erased with the person.
	if st := statusOf(t, f); !strings.Contains(st["crm"].LastError, "invalid email address") {
		t.Errorf("delivery record %+v", st["crm"])
	}
}
