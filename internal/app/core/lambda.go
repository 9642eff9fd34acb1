package core

import (
	"context"
	"fmt"
	"net/http"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/baton-hq/baton/internal/lambdahttp"
)

// Start is how every function begins: configuration from the environment,
// the core on DynamoDB, then the handler build returns (assembling the
// function's parts on the core), served by Lambda. A configuration error
// ends the process with the message naming the setting (a bad rules file
// too, unless RulesOptional).
func Start(build func(*Core) (any, error), opts ...Option) {
	c, err := FromEnv(context.Background(), opts...)
	var h any
	if err == nil {
		h, err = build(c)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	lambda.Start(h)
}

// StartHTTP serves the routes routes assembles on the core behind API
// Gateway (HTTP API, payload 2.0) or a Function URL.
func StartHTTP(routes func(*Core) (http.Handler, error), opts ...Option) {
	Start(func(c *Core) (any, error) {
		h, err := routes(c)
		if err != nil {
			return nil, err
		}
		return lambdahttp.Adapter{Handler: h}.Handle, nil
	}, opts...)
}
