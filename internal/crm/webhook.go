package crm

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/stdwebhook"

	"github.com/baton-hq/baton/internal/clock"
)

// Webhook posts the lead as JSON, signed per the Standard Webhooks spec
// (webhook-id, webhook-timestamp, webhook-signature "v1,<base64 HMAC-SHA256>").
type Webhook struct {
	URL    string
	Secret string // "whsec_" + base64 key
	Client *http.Client
	Now    func() time.Time
}

// Name implements push.Connector.
func (w *Webhook) Name() string { return "webhook" }

// Push implements push.Connector: the lead's fields, and the subject and
// summary the SFAs' Task and note get (in sfa.language), for a receiver
// that shows the lead to people (a chat workflow, a no-code automation)
// without composing them again.
func (w *Webhook) Push(ctx context.Context, l push.Lead) (string, error) {
	return w.post(ctx, l.MQLID, "mql.created", l.QualifiedAt, webhookLead{Lead: l, Subject: l.Subject(), Summary: l.Summary()})
}

type webhookLead struct {
	push.Lead
	Subject string `json:"subject"`
	Summary string `json:"summary"`
}

// post sends one signed message; id is its webhook-id (and the id
// returned). The payload is Standard Webhooks': type, timestamp (when it
// happened, at, so the same on every retry) and data.
func (w *Webhook) post(ctx context.Context, id, typ string, at time.Time, data any) (string, error) {
	key, err := stdwebhook.Key(w.Secret)
	if err != nil {
		return "", &push.Error{Connector: "webhook", Message: err.Error(), Permanent: true}
	}
	body, err := json.Marshal(map[string]any{"type": typ, "timestamp": at.UTC().Format(time.RFC3339Nano), "data": data})
	if err != nil {
		return "", err
	}
	now := clock.Now()
	if w.Now != nil {
		now = w.Now()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return "", &push.Error{Connector: "webhook", Message: err.Error(), Permanent: true}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("webhook-id", id) // stable across retries: receivers deduplicate on it
	req.Header.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
	req.Header.Set("webhook-signature", stdwebhook.Sign(key, id, now.Unix(), body))
	resp, err := noRedirects(w.Client, 15*time.Second).Do(req)
	if err != nil {
		return "", &push.Error{Connector: "webhook", Message: err.Error()}
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+utf8.UTFMax))
	msg := answerText(answer)
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return id, nil
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		return "", redirected("webhook", resp)
	case resp.StatusCode == 408 || resp.StatusCode == 429 || resp.StatusCode >= 500:
		return "", &push.Error{Connector: "webhook", Status: resp.StatusCode, Message: msg, RetryAfter: retryAfter(resp.Header, now)}
	default:
		return "", &push.Error{Connector: "webhook", Status: resp.StatusCode, Message: msg, Permanent: true}
	}
}

// PushAccount implements push.AccountConnector: the MQA as JSON, type
// "mqa.created", signed like an MQL.
func (w *Webhook) PushAccount(ctx context.Context, m account.MQA) (string, error) {
	return w.post(ctx, m.ID, "mqa.created", m.At, webhookMQA{MQA: m, Summary: m.Summary()})
}

// webhookMQA is an MQA with its summary, as the HubSpot note has it.
type webhookMQA struct {
	account.MQA
	Summary string `json:"summary"`
}

// RewriteAccount implements push.AccountRewriter: the MQA as it now is,
// type "mqa.updated", for the receiver to replace its copy. Each erasure
// takes one person from it, so its count of people tells the versions
// apart in the webhook-id (stable across retries).
func (w *Webhook) RewriteAccount(ctx context.Context, m account.MQA) error {
	_, err := w.post(ctx, m.ID+"-people-"+strconv.Itoa(len(m.People)), "mqa.updated", m.At, webhookMQA{MQA: m, Summary: m.Summary()})
	return err
}
