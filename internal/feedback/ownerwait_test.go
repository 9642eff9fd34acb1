package feedback_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/feedback"
)

// errNoDeadline is what the stubs below answer a read asked without a
// deadline: against a real SFA that hangs, such a read waits for the
// connector's client timeout (Salesforce's 20 s, per call), longer than
// the feedback function's 10 s.
var errNoDeadline = errors.New("asked without a deadline")

// boundedOwners answers owner reads only when asked with a deadline, and
// counts those that were not.
type boundedOwners struct {
	mu         sync.Mutex
	unbounded  int
	sfNames    map[string]string // Salesforce owner id -> name
	hsContacts map[string]string // HubSpot contact id -> owner id
	hsOwners   map[string]feedback.HubSpotOwner
}

func (b *boundedOwners) check(ctx context.Context) error {
	if _, ok := ctx.Deadline(); ok {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.unbounded++
	return errNoDeadline
}

func (b *boundedOwners) OwnerNames(ctx context.Context, ids []string) (map[string]string, error) {
	if err := b.check(ctx); err != nil {
		return nil, err
	}
	return b.sfNames, nil
}

func (b *boundedOwners) ContactOwners(ctx context.Context, ids []string) (map[string]string, error) {
	if err := b.check(ctx); err != nil {
		return nil, err
	}
	return b.hsContacts, nil
}

func (b *boundedOwners) Owners(ctx context.Context, archived bool, after string, pages int) (feedback.HubSpotOwnerPages, error) {
	if err := b.check(ctx); err != nil {
		return feedback.HubSpotOwnerPages{}, err
	}
	out := feedback.HubSpotOwnerPages{Pages: 1}
	for _, o := range b.hsOwners {
		if o.Archived == archived {
			out.Owners = append(out.Owners, o)
		}
	}
	return out, nil
}

func (b *boundedOwners) Owner(ctx context.Context, id string) (feedback.HubSpotOwner, error) {
	if err := b.check(ctx); err != nil {
		return feedback.HubSpotOwner{}, err
	}
	return b.hsOwners[id], nil
}

// TestOwnerReadsAreBounded: naming the rep reads the SFA (Salesforce's
// User and Group, HubSpot's contacts and owners) before the outcome is
// applied, and "the owner never holds an outcome back". But a read went
// out on the request's context alone, which has no deadline of its own
// (a Lambda's is its 10 s timeout): an SFA API that hangs rather than
// fails held every delivery naming an uncached owner until the function
// timed out, outcome and all (a Flow's callout is not sent again), where
// a failing one records the outcome under the owner id at once. The reads
// are bounded (ownerWait, 2 s), and a read cut short records the outcome as a
// failing one does.
func TestOwnerReadsAreBounded(t *testing.T) {
	t.Run("Salesforce", func(t *testing.T) {
		f := setup(t)
		stub := &boundedOwners{sfNames: map[string]string{"0055g00000AbCdEAAZ": "tanaka@acme.example"}}
		f.h.SalesforceOwners = stub
		f.clk.Advance(time.Minute)
		at := f.clk.Now()
		body := `{"version":"0","id":"cdc-1","detail-type":"LeadChangeEvent","source":"aws.partner/salesforce.com/00D/0YL","time":"` + at.Format(time.RFC3339) + `",
		  "detail":{"payload":{"ChangeEventHeader":{"entityName":"Lead","recordIds":["00Q000000000001AAA"],"changeType":"UPDATE","changedFields":["Status"],"commitTimestamp":` + fmt.Sprint(at.UnixMilli()) + `},"Status":"Working - Contacted","OwnerId":"0055g00000AbCdEAAZ"}}}`
		if code, body := f.post(t, "/feedback/salesforce", body, map[string]string{"X-Baton-Secret": shared}); code != 200 || !strings.Contains(body, `"applied":true`) {
			t.Fatalf("%d %s", code, body)
		}
		if stub.unbounded != 0 {
			t.Errorf("%d Salesforce reads of owners without a deadline", stub.unbounded)
		}
		if got := lastOwner(t, f); got != "tanaka@acme.example" {
			t.Errorf("owner %q", got)
		}
	})
	t.Run("HubSpot", func(t *testing.T) {
		f := setup(t)
		ownerFake(t, f)
		stub := &boundedOwners{hsContacts: map[string]string{"501": "41629779"}, hsOwners: map[string]feedback.HubSpotOwner{"41629779": {ID: "41629779", Email: "tanaka@maker.example"}}}
		f.h.HubSpotOwners = stub
		if code, resp := hsEvents(t, f, 3001, "501:lifecyclestage:salesqualifiedlead"); code != 200 || !strings.Contains(resp, `"applied":true`) {
			t.Fatalf("%d %s", code, resp)
		}
		if stub.unbounded != 0 {
			t.Errorf("%d HubSpot reads of owners without a deadline", stub.unbounded)
		}
		if got := lastOwner(t, f); got != "tanaka@maker.example" {
			t.Errorf("owner %q", got)
		}
	})
}
