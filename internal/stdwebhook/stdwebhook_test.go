package stdwebhook_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/stdwebhook"
)

const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

func TestVerifyRejectsTamperingAndStale(t *testing.T) {
	key, _ := stdwebhook.Key(secret)
	body := []byte(`{"a":1}`)
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	h := http.Header{}
	h.Set("webhook-id", "msg_1")
	// Signed at its own time: only its age can refuse it.
	stale := now.Add(-6 * time.Minute).Unix()
	h.Set("webhook-timestamp", strconv.FormatInt(stale, 10))
	h.Set("webhook-signature", stdwebhook.Sign(key, "msg_1", stale, body))
	if stdwebhook.Verify(secret, h, body, now, 5*time.Minute) == nil {
		t.Fatal("stale timestamp accepted")
	}
	h.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
	h.Set("webhook-signature", stdwebhook.Sign(key, "msg_1", now.Unix(), body))
	if err := stdwebhook.Verify(secret, h, body, now, 5*time.Minute); err != nil {
		t.Fatalf("valid signature refused: %v", err)
	}
	if stdwebhook.Verify(secret, h, []byte(`{"a":2}`), now, 5*time.Minute) == nil {
		t.Fatal("tampered body accepted")
	}
	if stdwebhook.Verify("whsec_"+strings.Repeat("A", 40), h, body, now, 5*time.Minute) == nil {
		t.Fatal("wrong secret accepted")
	}
}
