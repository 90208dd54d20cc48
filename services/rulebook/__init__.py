"""The privacy policy's rules that the product and the stores share: the data categories
(``categories``), the retention periods and the reasons the customer reads (``retention``),
and which corrections name usage records (``disputes``)."""
