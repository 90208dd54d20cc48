"""The RabbitMQ transport (pika): topology, confirmed publishing, consuming, reconnecting."""
