"""The public portal for Chinese government information-disclosure annual reports."""
