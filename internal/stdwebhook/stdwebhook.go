// Package stdwebhook signs and verifies Standard Webhooks messages
// (webhook-id, webhook-timestamp, webhook-signature "v1,<base64
// HMAC-SHA256>"): the webhook connector and the SLA sender sign with it, the
// feedback receiver verifies. It is apart from the connectors so that the
// functions that only sign or verify link none of them.
package stdwebhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

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
