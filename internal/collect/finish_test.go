package collect

import (
	"context"
	"testing"
	"time"
)

// TestFinishKeepsTheFunctionsDeadline: a request's writes outlive its
// client's hang-up, but not the deadline the request came with (the
// function's on Lambda, 10 s): the finish context dropped it for 30 s of
// its own, so a slow write ran until Lambda killed the function and API
// Gateway answered its bare 500, never Baton's 503. A request without a
// deadline (net/http's) gets the 30 s.
func TestFinishKeepsTheFunctionsDeadline(t *testing.T) {
	deadline := time.Date(2031, 5, 12, 9, 0, 10, 0, time.UTC)
	parent, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	ctx, done := finish(parent)
	defer done()
	if got, ok := ctx.Deadline(); !ok || !got.Equal(deadline.Add(-finishMargin)) {
		t.Fatalf("finish under a deadline of %s: %s %v, want %s", deadline, got, ok, deadline.Add(-finishMargin))
	}
	client, hangUp := context.WithCancel(context.Background())
	ctx, done2 := finish(client)
	defer done2()
	hangUp()
	if _, ok := ctx.Deadline(); !ok || ctx.Err() != nil {
		t.Fatalf("finish of a request without a deadline, its client gone: deadline %v, err %v; want a deadline of its own and still running", ok, ctx.Err())
	}
}
