package feedback

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"
)

// minHubSpotRetry is the least Retry-After a batch answered 503 for
// HubSpot's failure asks of HubSpot.
const minHubSpotRetry = 10 * time.Second

// hubspotLimit is the handler's memory of HubSpot's last rate limit (per
// process): while it lasts, HubSpot is not asked. A refused call still
// counts against a burst window, and a spent DAILY allocation refuses
// every call until the account's midnight: asking again each batch (and
// HubSpot resending each batch answered 503) only spent more.
type hubspotLimit struct {
	mu     sync.Mutex
	until  time.Time
	policy string
}

// noteLimit remembers err if it is HubSpot's rate limit (429).
func (h *Handler) noteLimit(err error) {
	var he *HubSpotError
	if !errors.As(err, &he) || he.Status != http.StatusTooManyRequests {
		return
	}
	h.hsLimit.mu.Lock()
	defer h.hsLimit.mu.Unlock()
	if until := h.now().Add(he.RetryAfter); until.After(h.hsLimit.until) {
		h.hsLimit.until, h.hsLimit.policy = until, he.Policy
	}
}

// rateLimited is the remembered rate limit as the error of reading what,
// while it lasts (nil: none).
func (h *Handler) rateLimited(what string) error {
	h.hsLimit.mu.Lock()
	defer h.hsLimit.mu.Unlock()
	left := h.hsLimit.until.Sub(h.now())
	if left <= 0 {
		return nil
	}
	return &HubSpotError{Status: http.StatusTooManyRequests, Category: "RATE_LIMIT", Policy: h.hsLimit.policy, RetryAfter: left, What: what,
		Message: "not asked: HubSpot's rate limit still lasts"}
}

// hubspotRetry is the Retry-After of a batch answered 503 for err: as long
// as HubSpot's rate limit lasts, minHubSpotRetry at least.
func hubspotRetry(err error) time.Duration {
	var he *HubSpotError
	if errors.As(err, &he) && he.Status == http.StatusTooManyRequests {
		return max(minHubSpotRetry, he.RetryAfter.Round(time.Second))
	}
	return minHubSpotRetry
}

// limitedDeals is the handler's HubSpotDeals, not asked while a rate
// limit lasts and remembering the limits it meets.
type limitedDeals struct{ h *Handler }

func (l limitedDeals) Deals(ctx context.Context, ids []string) (map[string]HubSpotDeal, error) {
	if err := l.h.rateLimited("deals"); err != nil {
		return nil, err
	}
	out, err := l.h.HubSpotDeals.Deals(ctx, ids)
	l.h.noteLimit(err)
	return out, err
}

func (l limitedDeals) DealContacts(ctx context.Context, ids []string) (map[string][]string, error) {
	if err := l.h.rateLimited("deals' contacts"); err != nil {
		return nil, err
	}
	out, err := l.h.HubSpotDeals.DealContacts(ctx, ids)
	l.h.noteLimit(err)
	return out, err
}

func (l limitedDeals) ContactsDeals(ctx context.Context, ids []string) (map[string][]string, error) {
	if err := l.h.rateLimited("contacts' deals"); err != nil {
		return nil, err
	}
	out, err := l.h.HubSpotDeals.ContactsDeals(ctx, ids)
	l.h.noteLimit(err)
	return out, err
}
