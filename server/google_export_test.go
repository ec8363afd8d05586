package server

import "github.com/gin-gonic/gin"

// MountGoogle mounts the Google sync routes on r for the external tests
// (the server mounts them on the office-authenticated group).
func (s *Server) MountGoogle(r gin.IRouter) { s.google.Mount(r) }
