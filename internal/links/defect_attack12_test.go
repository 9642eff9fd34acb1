package links

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

// Sixteen edits of one campaign at once (a script registering one URL a
// request in parallel, two marketers saving the campaign): each retries
// on the version it read only 8 times, and the ones that lose 8 races fail
// with "changed by others 8 times while being written", which the admin
// API answers 500 "internal error" (seen live: 1 of 12 parallel POST
// /admin/links). Every edit should land (or be refused with a retryable
// 409/503, never a 500).
func TestDefectConcurrentCampaignEditsFail(t *testing.T) {
	ctx := context.Background()
	r, _ := newRegistry(t)
	if _, _, err := r.PutCampaign(ctx, Campaign{ID: "busy"}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, err := r.PutCampaign(ctx, Campaign{ID: "busy", UTM: UTM{Source: fmt.Sprint("s", i)}})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("an edit failed: %v", err)
		}
	}
}
