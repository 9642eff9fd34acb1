package admin_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/token"
)

// writesFail is a table whose writes fail, as DynamoDB's do when throttled.
type writesFail struct{ table.Table }

var errThrottled = errors.New("dynamotable: operation error DynamoDB: TransactWriteItems, RequestID: 7QK4, ThrottlingException")

func (writesFail) Put(context.Context, table.Item, table.Cond) error { return errThrottled }
func (writesFail) Transact(context.Context, []table.Write) error     { return errThrottled }
func (w writesFail) PutMany(_ context.Context, ws []table.Write) []error {
	errs := make([]error, len(ws))
	for i := range errs {
		errs[i] = errThrottled
	}
	return errs
}

// TestRecipientsFailWhole: a store failing while tokens were minted was a
// row's error: the list came back 200 with those rows' tokens empty, the
// store's error text in X-Baton-Row-Errors. It is a 500 (the upload is
// retried whole; minting is idempotent), saying nothing of the store.
func TestRecipientsFailWhole(t *testing.T) {
	f := newFixture(t)
	kr, err := token.ParseKeyring("k1:" + token.NewSecret())
	if err != nil {
		t.Fatal(err)
	}
	tb := writesFail{f.tb}
	f.h.Recipients = &admin.Recipients{T: tb, Dir: &identity.Directory{T: tb, Now: f.clk.Now}, Keyring: kr, Now: f.clk.Now}
	mux := http.NewServeMux()
	f.h.Routes(mux)
	srv := httptest.NewServer(httpx.Routes(mux))
	defer srv.Close()
	f.url = srv.URL
	a := f.req("POST", "/admin/recipients?campaign=nov-news", "email,company\nlead@example.com,Acme\n", "Authorization", "Bearer "+fullToken, "Content-Type", "text/csv")
	if a.code != 500 || a.body != `{"error":"internal error"}`+"\n" || strings.Contains(a.hdr.Get("X-Baton-Row-Errors"), "RequestID") {
		t.Fatalf("%d %v %s", a.code, a.hdr, a.body)
	}
}
