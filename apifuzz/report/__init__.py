"""What a corpus or a campaign gives back: coverage of the model, a packaged fuzzer."""
