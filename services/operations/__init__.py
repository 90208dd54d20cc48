"""What operators and the console share: dead-letter queues and their redrive."""
