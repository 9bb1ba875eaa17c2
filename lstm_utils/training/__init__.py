"""What every notebook trains with: padding and bucketing, input pipelines, resumable `fit`, distribution strategies and the cuDNN check."""
