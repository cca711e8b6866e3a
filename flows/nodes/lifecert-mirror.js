export { default } from './lifecert-mirror.ts';
