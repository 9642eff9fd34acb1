package main

import (
	"context"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/lambdahttp"
	"github.com/baton-hq/baton/internal/testutil/lambdatest"
)

func TestSampleEvents(t *testing.T) {
	app := lambdatest.NewApp(t)
	ctx := context.Background()
	if _, _, err := app.Stitcher.Identify(ctx, identity.Identification{Visitor: "sample-visitor-1", Email: "hanako.yamada@example.co.jp", Strength: identity.Strong}); err != nil {
		t.Fatal(err)
	}
	h := lambdahttp.Adapter{Handler: app.AdminHandler()}
	resp := lambdatest.Invoke(t, h, "admin/get_person.json")
	if resp.StatusCode != 200 || !strings.Contains(resp.Body, `"email":"hanako.yamada@example.co.jp"`) {
		t.Fatalf("get_person: %d %s", resp.StatusCode, resp.Body)
	}
	if resp := lambdatest.Invoke(t, h, "admin/unauthorized.json"); resp.StatusCode != 401 {
		t.Fatalf("unauthorized: %d", resp.StatusCode)
	}
	if n := len(lambdatest.Samples(t, "admin")); n != 2 {
		t.Fatalf("%d admin samples; each needs a case here", n)
	}
}
