package offline

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/table"
)

// calls counts every request made to the store (reads and writes).
type calls struct {
	table.Table
	n atomic.Int64
}

func (c *calls) Get(ctx context.Context, pk, sk string) (table.Item, error) {
	c.n.Add(1)
	return c.Table.Get(ctx, pk, sk)
}
func (c *calls) Put(ctx context.Context, it table.Item, cond table.Cond) error {
	c.n.Add(1)
	return c.Table.Put(ctx, it, cond)
}
func (c *calls) Delete(ctx context.Context, pk, sk string, cond table.Cond) error {
	c.n.Add(1)
	return c.Table.Delete(ctx, pk, sk, cond)
}
func (c *calls) PutMany(ctx context.Context, ws []table.Write) []error {
	c.n.Add(1)
	return c.Table.PutMany(ctx, ws)
}
func (c *calls) Transact(ctx context.Context, ws []table.Write) error {
	c.n.Add(1)
	return c.Table.Transact(ctx, ws)
}
func (c *calls) Add(ctx context.Context, pk, sk, kind string, d map[string]int64) (map[string]int64, error) {
	c.n.Add(1)
	return c.Table.Add(ctx, pk, sk, kind, d)
}
func (c *calls) Query(ctx context.Context, q table.Query) ([]table.Item, error) {
	c.n.Add(1)
	return c.Table.Query(ctx, q)
}

// MaxRows promises a 100,000-row touch list, answered synchronously by
// POST /admin/touches. Live on the local stack a 100,000-row list (4.5 MB,
// well under MaxBytes) took 21 minutes and the client got no answer at all
// (the server's 60 s WriteTimeout had passed: curl saw only "100 Continue",
// no counts, no row errors); on AWS API Gateway cuts the request at 30 s
// and the admin function dies at 60 s, mid-list. This test counts the store
// requests a row costs and checks that MaxRows rows, importParallel at a
// time, fit API Gateway's 30 s at 5 ms a DynamoDB request (a generous
// figure). Either the list must be imported as a background job (as
// rescore is), or MaxRows must be what can be answered.
func TestDefectMaxRowsTouchListCannotBeAnswered(t *testing.T) {
	f := newFixture(t)
	c := &calls{Table: f.tb}
	f.dir.T = c
	f.log.T = c
	const rows = 200
	var b strings.Builder
	b.WriteString("email,name,company\r\n")
	for i := range rows {
		fmt.Fprintf(&b, "p%d@corp%d.example,Name %d,Corp %d\r\n", i, i%20, i, i%20)
	}
	res, err := f.im.Import(context.Background(), strings.NewReader(b.String()), Defaults{Event: "Expo", Date: "2026-11-06", Channel: "exhibition"})
	if err != nil || res.Imported != rows {
		t.Fatalf("import: %+v %v", res, err)
	}
	perRow := float64(c.n.Load()) / rows
	projected := time.Duration(perRow * MaxRows / importParallel * float64(5*time.Millisecond))
	if projected > 30*time.Second {
		t.Errorf("a row costs %.1f store requests: MaxRows (%d) rows, %d at a time, take about %v at 5 ms a request, past API Gateway's 30 s (and the local stack's 60 s WriteTimeout): the answer never reaches the client", perRow, MaxRows, importParallel, projected.Round(time.Second))
	}
}
