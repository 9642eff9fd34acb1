package deploy

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"gopkg.in/yaml.v3"

	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/lambdahttp"
)

// TestClientIPAsDeployed: the client address each function reads with the
// BATON_TRUST_PROXY the template sets. API Gateway appends the address that
// connected to it to X-Forwarded-For (requestContext's sourceIp), so behind
// the template's CloudFront the function sees "<viewer>, <edge>": the
// template set one trusted proxy, and every visitor, click and audit entry
// had CloudFront's edge address (scanner networks never matched). Without
// CloudFront, the address that connected is the client, whatever the
// client wrote in the header itself.
func TestClientIPAsDeployed(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(root, "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	n := get(doc.Content[0], "Globals", "Function", "Environment", "Variables", "BATON_TRUST_PROXY")
	if n == nil || n.Tag != "!If" || len(n.Content) != 3 || n.Content[0].Value != "BehindCloudFront" {
		t.Fatalf("BATON_TRUST_PROXY is not !If [BehindCloudFront, ..., ...] in the template's Globals")
	}
	const viewer, edge, spoofed = "40.94.12.34", "130.176.88.10", "10.9.9.9"
	for _, c := range []struct {
		name, trust, xff, source string
	}{
		{"behind CloudFront", n.Content[1].Value, spoofed + ", " + viewer + ", " + edge, edge},
		{"API Gateway alone", n.Content[2].Value, spoofed + ", " + viewer, viewer},
	} {
		var ev events.APIGatewayV2HTTPRequest
		ev.RawPath = "/e"
		ev.RequestContext.HTTP.Method = "POST"
		ev.RequestContext.HTTP.SourceIP = c.source
		ev.Headers = map[string]string{"host": "abc123.execute-api.ap-northeast-1.amazonaws.com", "x-forwarded-for": c.xff}
		r, err := lambdahttp.Request(context.Background(), ev)
		if err != nil {
			t.Fatal(err)
		}
		trust, err := httpx.ParseProxies(c.trust)
		if err != nil {
			t.Fatalf("%s: BATON_TRUST_PROXY %q: %v", c.name, c.trust, err)
		}
		if got := httpx.ClientIP(r, trust); got.String() != viewer {
			t.Errorf("%s (BATON_TRUST_PROXY %q): client read as %s, want %s", c.name, c.trust, got, viewer)
		}
	}
}
