// Command feedback is the feedback function: sales outcomes from Salesforce,
// HubSpot, kintone and signed webhooks (POST /feedback/{source}).
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
	if err == nil && app.Feedback == nil {
		err = fmt.Errorf("config: BATON_RULES: the feedback function needs the rules file (recycling)")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	lambda.Start(lambdahttp.Adapter{Handler: app.FeedbackHandler()}.Handle)
}
