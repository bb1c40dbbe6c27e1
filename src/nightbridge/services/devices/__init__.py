"""Device imports: files, uploads, import jobs and the nights they give."""
