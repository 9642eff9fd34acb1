// Command collect is the collect Lambda function: the tag's POST /e, the
// Segment-compatible /v1/* API, GET /t.js and /healthz, behind an API Gateway
// HTTP API or a Function URL.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/baton-hq/baton/internal/lambdahttp"
	"github.com/baton-hq/baton/internal/server"
)

func main() {
	app, err := server.FromEnv(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	lambda.Start(lambdahttp.Adapter{Handler: app.CollectHandler()}.Handle)
}
