package httpapi

// crisisRoutes are the routes of the EU Crisis Protocol.
func (s *Server) crisisRoutes() []route { return nil }

// crisisSchemas are the OpenAPI schemas of the EU Crisis Protocol.
func crisisSchemas() map[string]any { return map[string]any{} }
