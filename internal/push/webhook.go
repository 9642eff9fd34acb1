package push

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

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

// Name implements Connector.
func (w *Webhook) Name() string { return "webhook" }

// Key decodes a whsec_ secret.
func Key(secret string) ([]byte, error) {
	k, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil || len(k) < 16 {
		return nil, errors.New("webhook secret must be whsec_ followed by base64 of at least 16 bytes")
	}
	return k, nil
}

// Sign returns the webhook-signature value for a message.
func Sign(key []byte, id string, ts int64, body []byte) string {
	mac := hmac.New(sha256.New, key)
	fmt.Fprintf(mac, "%s.%d.", id, ts)
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Verify checks a Standard Webhooks signature and timestamp tolerance.
func Verify(secret string, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	key, err := Key(secret)
	if err != nil {
		return err
	}
	id, tsS, sigs := h.Get("webhook-id"), h.Get("webhook-timestamp"), h.Get("webhook-signature")
	if id == "" || tsS == "" || sigs == "" {
		return errors.New("missing webhook-id, webhook-timestamp or webhook-signature")
	}
	ts, err := strconv.ParseInt(tsS, 10, 64)
	if err != nil {
		return errors.New("webhook-timestamp is not a unix time")
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return errors.New("webhook-timestamp outside the tolerance window")
	}
	want := Sign(key, id, ts, body)
	for _, s := range strings.Fields(sigs) {
		if hmac.Equal([]byte(s), []byte(want)) {
			return nil
		}
	}
	return errors.New("no valid signature")
}

// Push implements Connector.
func (w *Webhook) Push(ctx context.Context, l Lead) (string, error) {
	return w.post(ctx, l.MQLID, "mql.created", l)
}

// post sends one signed message; id is its webhook-id (and the id returned).
func (w *Webhook) post(ctx context.Context, id, typ string, data any) (string, error) {
	key, err := Key(w.Secret)
	if err != nil {
		return "", &Error{Connector: "webhook", Message: err.Error(), Permanent: true}
	}
	body, err := json.Marshal(map[string]any{"type": typ, "data": data})
	if err != nil {
		return "", err
	}
	now := clock.Now()
	if w.Now != nil {
		now = w.Now()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return "", &Error{Connector: "webhook", Message: err.Error(), Permanent: true}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("webhook-id", id) // stable across retries: receivers deduplicate on it
	req.Header.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
	req.Header.Set("webhook-signature", Sign(key, id, now.Unix(), body))
	resp, err := NoRedirects(w.Client, 15*time.Second).Do(req)
	if err != nil {
		return "", &Error{Connector: "webhook", Message: err.Error()}
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return id, nil
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		return "", Redirected("webhook", resp)
	case resp.StatusCode == 408 || resp.StatusCode == 429 || resp.StatusCode >= 500:
		return "", &Error{Connector: "webhook", Status: resp.StatusCode, Message: string(msg), RetryAfter: RetryAfter(resp.Header, now)}
	default:
		return "", &Error{Connector: "webhook", Status: resp.StatusCode, Message: string(msg), Permanent: true}
	}
}

// RetryAfter reads a Retry-After header (seconds or an HTTP date).
func RetryAfter(h http.Header, now time.Time) time.Duration {
	v := h.Get("Retry-After")
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
