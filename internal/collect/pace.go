package collect

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/event"
)

// paceSamples is how many recent stores naming an email the pace remembers.
const paceSamples = 16

// paceMax bounds the wait: a slow store (a stall, a retry) is not copied
// onto every erased email's answer.
const paceMax = 2 * time.Second

// pace keeps how long the tag's requests that name an email take to store
// (identifying someone, or noting a flagged form under the email), so
// that a form naming an erased person's email (stored nowhere,
// identifying nobody: no write at all) is answered after as long. Without
// it the answer came in a tenth of the time (1.5 ms against 9 ms on the
// embedded store), which told anyone typing an email into a form that its
// owner was erased.
type pace struct {
	mu   sync.Mutex
	last [paceSamples]time.Duration
	n    int // samples taken (the ring's next slot is n % paceSamples)
}

// observe remembers one such store's duration.
func (p *pace) observe(d time.Duration) {
	if d < 0 {
		return
	}
	p.mu.Lock()
	p.last[p.n%paceSamples] = d
	p.n++
	p.mu.Unlock()
}

// typical is the median of the remembered durations (0 before any): a
// stall does not set the pace.
func (p *pace) typical() time.Duration {
	p.mu.Lock()
	n := min(p.n, paceSamples)
	ds := slices.Clone(p.last[:n])
	p.mu.Unlock()
	if n == 0 {
		return 0
	}
	slices.Sort(ds)
	return min(ds[n/2], paceMax)
}

// namesEmail reports whether evs name an email: a form or identify that,
// but for an erasure, identifies someone (or, flagged as automated, is
// stored and noted under the email), as one naming an erased email would.
func namesEmail(evs []event.Event) bool {
	for _, ev := range evs {
		if ev.Email() != "" {
			return true
		}
	}
	return false
}

// wait pauses for d (or until ctx ends) through Handler.Sleep, the real
// timer by default.
func (h *Handler) wait(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	if h.Sleep != nil {
		h.Sleep(ctx, d)
		return
	}
	clock.Sleep(ctx, d)
}
