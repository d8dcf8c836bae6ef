package httpapi

// exchangeRoutes are the routes that import and export hash lists.
func (s *Server) exchangeRoutes() []route { return nil }

// exchangeSchemas are the OpenAPI schemas of the hash-list exchange.
func exchangeSchemas() map[string]any { return map[string]any{} }
