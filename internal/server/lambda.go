package server

import (
	"context"
	"fmt"
	"net/http"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/baton-hq/baton/internal/lambdahttp"
)

// Start is how every function begins: configuration from the environment,
// the assembled App, then the handler build returns, served by Lambda. A
// configuration error ends the process with the message naming the setting.
func Start(build func(*App) (any, error)) {
	app, err := FromEnv(context.Background())
	var h any
	if err == nil {
		h, err = build(app)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	lambda.Start(h)
}

// StartHTTP serves routes of the App behind API Gateway (HTTP API, payload
// 2.0) or a Function URL.
func StartHTTP(routes func(*App) http.Handler) {
	Start(func(a *App) (any, error) {
		return lambdahttp.Adapter{Handler: routes(a)}.Handle, nil
	})
}
