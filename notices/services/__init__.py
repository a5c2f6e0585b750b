"""Software update notices (SLP-14): publishing, audience, fan-out."""
