// Command admin is the admin Lambda function: every /admin route behind the
// bearer token, on the API Gateway HTTP API.
package main

import "github.com/baton-hq/baton/internal/server"

func main() { server.StartHTTP((*server.App).AdminHandler) }
