// Command feedback is the feedback function: sales outcomes from Salesforce,
// HubSpot, kintone and signed webhooks (POST /feedback/{source}).
package main

import (
	"errors"

	"github.com/baton-hq/baton/internal/lambdahttp"
	"github.com/baton-hq/baton/internal/server"
)

func main() {
	server.Start(func(app *server.App) (any, error) {
		if app.Feedback == nil {
			return nil, errors.New("config: BATON_RULES: the feedback function needs the rules file (recycling)")
		}
		return lambdahttp.Adapter{Handler: app.FeedbackHandler()}.Handle, nil
	})
}
