// Command click is the click Lambda function: tracked newsletter links
// (GET /c/<link>/<token>) and the open pixel (GET /o/<campaign>/<token>.gif).
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
	lambda.Start(lambdahttp.Adapter{Handler: app.ClickHandler()}.Handle)
}
